import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { RouteModule } from '../app';
import { errorBody } from '../app';

/**
 * The built app (`dist/`) at /, with the single-page fallback: any other GET that asks for HTML gets
 * index.html (a view's state is in its URL). Unknown /api and /data paths get a JSON 404.
 */
export const appRoutes: RouteModule = async (app, { config }) => {
  const built = existsSync(path.join(config.distDir, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: config.distDir, prefix: '/' });
  else
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
