import { readdir, stat } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../app';
import { errorBody } from '../app';
import { resolveConfined, sendConfinedFile } from './confinedFiles';

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
    const where = await resolveConfined(config.dataDir, request.url.split('?')[0].replace(/^\/data\/?/, ''));
    if (where.kind === 'malformed')
      return reply.code(400).send(errorBody(400, 'the path is not valid percent-encoding'));
    if (where.kind === 'leaves')
      return reply.code(403).send(errorBody(403, 'refused: the path leaves the data folder'));
    if (where.kind === 'no-folder')
      return reply
        .code(404)
        .send(
          errorBody(404, 'the data folder (DATA_DIR) does not exist: point DATA_DIR at an existing folder'),
        );
    if (where.kind === 'missing')
      return reply.code(404).send(errorBody(404, `no such file in the data folder: ${where.relative}`));
    const { target, segments, relative } = where;
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
    return sendConfinedFile(reply, target, info);
  };
  app.get('/data', handler);
  app.get('/data/*', handler);
};
