import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { RouteModule } from '../app';
import { errorBody } from '../app';
import { isHidden } from './confinedFiles';

/**
 * The built app (`dist/`) at /, with the single-page fallback: any other GET that asks for HTML gets
 * index.html (a view's state is in its URL). Unknown /api and /data paths get a JSON 404.
 */
export const appRoutes: RouteModule = async (app, { config }) => {
  const built = existsSync(path.join(config.distDir, 'index.html'));
  if (built) {
    // As /data and /hf: no hidden file (DIST_DIR=. would serve .env and .git/config) and no link out.
    const root = realpathSync(config.distDir);
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      dotfiles: 'ignore',
      allowedPath: (pathname) => servesInside(root, pathname),
    });
  } else
    app.get('/', async (_request, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The app is not built yet: run "npm run build" (npm start builds it when dist/ is missing).\n'),
    );

  app.setNotFoundHandler(async (request, reply) => {
    const isApi = /^\/(api|data)(\/|$)/.test(request.url);
    if (!isApi && built && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html'))
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return reply.code(404).send(errorBody(404, `no route ${request.method} ${request.url.split('?')[0]}`));
  });
};

/**
 * Whether the static files may answer `pathname` (the URL's path, as the router decoded it): no hidden
 * file or folder, and a file whose real path (links resolved) is inside `root`. A path that is not there
 * is left to the static files' own 404 (and `..` to their 403).
 */
function servesInside(root: string, pathname: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (isHidden(decoded) || decoded.includes('\0')) return false;
  let real: string;
  try {
    real = realpathSync(path.join(root, decoded));
  } catch {
    return true;
  }
  return (real === root || real.startsWith(root + path.sep)) && !isHidden(path.relative(root, real));
}
