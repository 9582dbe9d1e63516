import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errorBody, type RouteModule } from '../app';
import { isHidden } from './confinedFiles';

/**
 * A Hugging Face Hub mirror of a local models folder: `GET /hf/<org>/<name>/resolve/<revision>/<file>`
 * answers with `<modelsDir>/<org>/<name>/<file>`, the URL layout transformers.js downloads from. Point the
 * browser's model host at `/hf/` (see docs/embedding-models.md) to load models that were copied here (any Hub repository
 * with ONNX weights, in the Hub's own layout) without reaching the Hub; the tests serve the fixture model
 * this way so that the real download path runs. One revision per folder: `<revision>` is not looked at.
 *
 * The folder is MODELS_DIR (`--models-dir`), else `./models`. As the data folder, it serves only what is really
 * inside it: a link (a symlinked folder in a cloned repository) that resolves outside is refused, and so are
 * hidden files and folders (`.git/config`, `.env`); no answer names a server path.
 */
export const modelMirrorRoutes: RouteModule = (app, { config }) => registerModelMirror(app, config.modelsDir);

export const MODEL_MIRROR_PREFIX = '/hf/';

/** Where a mirror URL path (after `/hf/`) points in `modelsDir`, or why it cannot be served. */
export function resolveMirrorPath(
  modelsDir: string,
  urlPath: string,
): { file: string; modelId: string; name: string } | { error: string; status: 400 | 404 } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 400, error: 'malformed URL' };
  }
  const match = /^(.+?)\/resolve\/[^/]+\/(.+)$/.exec(decoded);
  if (!match) return { status: 404, error: 'expected /hf/<org>/<name>/resolve/<revision>/<file>' };
  const [, modelId, file] = match;
  const parts = [...modelId.split('/'), ...file.split('/')];
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0')))
    return { status: 400, error: 'bad path' };
  // Hidden files and folders (.git, .env, .cache) are a repository's, not the model's.
  if (parts.some((p) => p.startsWith('.'))) return { status: 404, error: notInMirror(modelId, file) };
  const root = path.resolve(modelsDir);
  const full = path.resolve(root, ...parts);
  if (!full.startsWith(root + path.sep)) return { status: 400, error: 'bad path' };
  return { file: full, modelId, name: file };
}

/** Serves `folder` under /hf/ on `app`. */
export function registerModelMirror(app: FastifyInstance, folder: string): void {
  const modelsDir = path.resolve(folder);
  app.get(`${MODEL_MIRROR_PREFIX}*`, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const target = resolveMirrorPath(modelsDir, rest);
    if ('error' in target) return reply.code(target.status).send(errorBody(target.status, target.error));
    // Real paths, so that a link pointing out of the folder is refused (as /data does).
    const real = await realFileInside(modelsDir, target.file);
    if (!real) return reply.code(404).send(errorBody(404, notInMirror(target.modelId, target.name)));
    // Content-Length lets transformers.js report download progress.
    return reply
      .header('content-length', real.size)
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(createReadStream(real.path));
  });
}

/** `file`'s real path and size when it is a file really inside `folder` (links resolved); else undefined. */
async function realFileInside(
  folder: string,
  file: string,
): Promise<{ path: string; size: number } | undefined> {
  const root = await realpath(folder).catch(() => undefined);
  const real = await realpath(file).catch(() => undefined);
  if (!root || !real?.startsWith(root + path.sep)) return undefined;
  // A link inside the folder to a hidden file (a cloned repository's `x.json -> .git/config`) is refused too.
  if (isHidden(path.relative(root, real))) return undefined;
  const info = await stat(real).catch(() => undefined);
  return info?.isFile() ? { path: real, size: info.size } : undefined;
}

/** The 404 message: the model id and file as the URL named them, never a path on the server. */
function notInMirror(modelId: string, file: string): string {
  return `${modelId}/${file} is not in the model mirror (MODELS_DIR): copy the model folder there`;
}
