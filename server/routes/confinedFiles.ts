import { createReadStream, type Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply } from 'fastify';

/**
 * The one rule for serving a folder's files by URL (`/data`, `/runs`): the URL's path is decoded here (the
 * router's own decoding is not relied on for the security check), `..`, NUL and absolute paths are refused,
 * hidden files and folders are not there, and the real path (links resolved) must stay inside the folder's
 * real path. Answers never name a server path: callers word their messages with `relative` only.
 */
export type ConfinedPath =
  | { kind: 'inside'; target: string; segments: string[]; relative: string }
  /** Not valid percent-encoding: 400. */
  | { kind: 'malformed' }
  /** `..`, an absolute path, or a link out of the folder: 403. */
  | { kind: 'leaves'; relative: string }
  /** Hidden, or not there: 404. */
  | { kind: 'missing'; relative: string }
  /** The folder itself does not exist. */
  | { kind: 'no-folder' };

/** Where `encodedRelative` (the URL path after the route's prefix, still percent-encoded) points in `folder`. */
export async function resolveConfined(folder: string, encodedRelative: string): Promise<ConfinedPath> {
  let relative: string;
  try {
    relative = decodeURIComponent(encodedRelative);
  } catch {
    return { kind: 'malformed' };
  }
  const segments = relative.split(/[/\\]/).filter((s) => s !== '');
  if (segments.some((s) => s === '..') || relative.includes('\0') || path.isAbsolute(relative))
    return { kind: 'leaves', relative };
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'missing', relative };
  const root = await realpath(folder).catch(() => undefined);
  if (!root) return { kind: 'no-folder' };
  const target = await realpath(path.join(root, ...segments)).catch(() => undefined);
  if (!target) return { kind: 'missing', relative };
  if (target !== root && !target.startsWith(root + path.sep)) return { kind: 'leaves', relative };
  // A link inside the folder to a hidden file or folder (`x.json -> .git/config`) is not there either.
  if (isHidden(path.relative(root, target))) return { kind: 'missing', relative };
  return { kind: 'inside', target, segments, relative };
}

/** Whether a path inside a served folder passes through a hidden file or folder (`.git`, `.env`). */
export function isHidden(relative: string): boolean {
  return relative.split(/[/\\]/).some((part) => part.startsWith('.'));
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
};

/** Streams a resolved file with its content type and length (the browser's readers show progress from it). */
export function sendConfinedFile(reply: FastifyReply, target: string, info: Stats): FastifyReply {
  return reply
    .type(CONTENT_TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream')
    .header('content-length', info.size)
    .header('cache-control', 'no-cache')
    .send(createReadStream(target));
}
