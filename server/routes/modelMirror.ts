import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errorBody, type RouteModule } from '../app';

/**
 * A Hugging Face Hub mirror of a local models folder: `GET /hf/<org>/<name>/resolve/<revision>/<file>`
 * answers with `<modelsDir>/<org>/<name>/<file>`, the URL layout transformers.js downloads from. Point the
 * browser's model host at `/hf/` (see the README) to load models that were copied here (any Hub repository
 * with ONNX weights, in the Hub's own layout) without reaching the Hub; the tests serve the fixture model
 * this way so that the real download path runs. One revision per folder: `<revision>` is not looked at.
 *
 * The folder is the MODELS_DIR environment variable, else `./models`.
 */
export const modelMirrorRoutes: RouteModule = (app) =>
  registerModelMirror(app, process.env.MODELS_DIR?.trim() || 'models');

export const MODEL_MIRROR_PREFIX = '/hf/';

/** Where a mirror URL path (after `/hf/`) points in `modelsDir`, or why it cannot be served. */
export function resolveMirrorPath(
  modelsDir: string,
  urlPath: string,
): { file: string; modelId: string } | { error: string; status: 400 | 404 } {
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
  const root = path.resolve(modelsDir);
  const full = path.resolve(root, ...parts);
  if (!full.startsWith(root + path.sep)) return { status: 400, error: 'bad path' };
  return { file: full, modelId };
}

/** Serves `folder` under /hf/ on `app`. */
export function registerModelMirror(app: FastifyInstance, folder: string): void {
  const modelsDir = path.resolve(folder);
  app.get(`${MODEL_MIRROR_PREFIX}*`, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const target = resolveMirrorPath(modelsDir, rest);
    if ('error' in target) return reply.code(target.status).send(errorBody(target.status, target.error));
    const info = await stat(target.file).catch(() => undefined);
    if (!info?.isFile()) {
      const message = `${rest} is not in the model mirror (${path.join(modelsDir, target.modelId)})`;
      return reply.code(404).send(errorBody(404, message));
    }
    // Content-Length lets transformers.js report download progress.
    return reply
      .header('content-length', info.size)
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(createReadStream(target.file));
  });
}
