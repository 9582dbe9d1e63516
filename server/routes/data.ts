import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../app';
import { errorBody } from '../app';

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

/**
 * `GET /data/<path>`: the local data folder (`DATA_DIR`), read-only, so the browser can load the shared
 * datasets. A folder answers with a JSON listing. Paths that leave the folder (`..`, or a link pointing out
 * of it) are refused with 403; hidden files are not served.
 */
export const dataRoutes: RouteModule = (app, { config }) => {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!config.dataDir)
      return reply
        .code(404)
        .send(
          errorBody(
            404,
            'no data folder is configured: start the server with DATA_DIR=<folder> (or --data-dir <folder>)',
          ),
        );
    // The raw path, decoded here: the router's own decoding is not relied on for the security check.
    const rawPath = request.url.split('?')[0].replace(/^\/data\/?/, '');
    let relative: string;
    try {
      relative = decodeURIComponent(rawPath);
    } catch {
      return reply.code(400).send(errorBody(400, 'the path is not valid percent-encoding'));
    }
    const segments = relative.split(/[/\\]/).filter((s) => s !== '');
    if (segments.some((s) => s === '..') || relative.includes('\0') || path.isAbsolute(relative))
      return reply.code(403).send(errorBody(403, 'refused: the path leaves the data folder'));
    if (segments.some((s) => s.startsWith('.')))
      return reply.code(404).send(errorBody(404, `no such file in the data folder: ${relative}`));

    const root = await realpath(config.dataDir).catch(() => undefined);
    if (!root)
      return reply
        .code(404)
        .send(
          errorBody(404, 'the data folder (DATA_DIR) does not exist: point DATA_DIR at an existing folder'),
        );
    const target = await realpath(path.join(root, ...segments)).catch(() => undefined);
    if (!target) return reply.code(404).send(errorBody(404, `no such file in the data folder: ${relative}`));
    if (target !== root && !target.startsWith(root + path.sep))
      return reply.code(403).send(errorBody(403, 'refused: the path leaves the data folder'));

    const info = await stat(target);
    if (info.isDirectory()) {
      const entries = await readdir(target, { withFileTypes: true });
      return {
        path: segments.join('/'),
        entries: entries
          .filter((e) => !e.name.startsWith('.') && (e.isFile() || e.isDirectory()))
          .map((e) => ({ name: e.name, type: e.isDirectory() ? 'folder' : 'file' }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      };
    }
    if (!info.isFile()) return reply.code(404).send(errorBody(404, `not a file: ${relative}`));
    reply
      .type(CONTENT_TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', info.size)
      .header('cache-control', 'no-cache');
    return reply.send(createReadStream(target));
  };
  app.get('/data', handler);
  app.get('/data/*', handler);
};
