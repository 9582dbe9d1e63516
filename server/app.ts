import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import { LLM_LIMITS, LlmServiceError } from '../src/core/teachers/llmApi';
import type { ServerConfig } from './config';
import { hostCheck } from './hostCheck';
import { embeddingSecrets } from './llm/embeddingService';
import { ProxyLlmService } from './llm/proxyService';
import { Redactor } from './llm/redact';
import { TeacherCache } from './llm/teacherCache';
import { Upstream } from './llm/upstream';
import { appRoutes } from './routes/app';
import { dataRoutes } from './routes/data';
import { embedRoutes } from './routes/embed';
import { generateRoutes } from './routes/generate';
import { healthRoutes } from './routes/health';
import { judgeRoutes } from './routes/judge';
import { modelMirrorRoutes } from './routes/modelMirror';
import { runsRoutes } from './routes/runs';

/** What every route module gets: the configuration and the shared services. */
export interface ServerContext {
  config: ServerConfig;
  llm: ProxyLlmService;
  upstream: Upstream;
  cache: TeacherCache | null;
  redactor: Redactor;
}

/** Registers one group of routes on the server. */
export type RouteModule = (app: FastifyInstance, context: ServerContext) => void | Promise<void>;

/**
 * Every route of the server, in registration order. Adding a route is one line here (one module in
 * server/routes/). The app (static files and the single-page fallback) stays last.
 */
export const ROUTES: readonly RouteModule[] = [
  healthRoutes,
  judgeRoutes,
  generateRoutes,
  dataRoutes,
  runsRoutes,
  modelMirrorRoutes,
  embedRoutes,
  appRoutes,
];

/**
 * The server (not yet listening: call `listen`, or `inject` in tests): the teacher proxy at /api/*, the data
 * folder at /data/*, the built app at /. Closing it stops upstream calls in flight and closes the cache.
 * `logStream` receives the log lines (tests read them); default standard output.
 */
export async function buildServer(
  config: ServerConfig,
  options: { logStream?: { write(line: string): void } } = {},
): Promise<FastifyInstance> {
  const redactor = new Redactor(embeddingSecrets(config));
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization'],
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One line per /api call instead (below): no request headers in the log.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LLM_LIMITS.bodyLimitBytes,
  });
  const cache = config.cacheDir ? new TeacherCache(config.cacheDir) : null;
  const upstream = new Upstream(config, redactor, (message) => app.log.warn(redactor.redact(message)));
  const llm = new ProxyLlmService(upstream, cache);
  // Shutdown: upstream calls stop first, so that requests waiting on a hung upstream answer at once and
  // the server closes within seconds; the cache (every finished row) is closed last.
  app.addHook('preClose', async () => llm.cancel());
  app.addHook('onClose', async () => llm.close());
  app.addHook('onRequest', hostCheck(config));

  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/api/'))
      app.log.info(
        `${request.method} ${request.url} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`,
      );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof LlmServiceError) {
      if (error.status >= 500) request.log.warn(redactor.redact(error.message));
      return reply.code(error.status).send(errorBody(error.status, redactor.redact(error.message)));
    }
    // The client went away (routes/requestSignal.ts cancelled its upstream calls): nobody reads the answer,
    // and it is not an error of the server, so one line without a stack.
    if (request.raw.socket?.destroyed) {
      request.log.info(`${request.method} ${request.url}: the client went away; its upstream calls stopped`);
      return reply.code(400).send(errorBody(400, 'the client went away'));
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status < 500) return reply.code(status).send(errorBody(status, redactor.redact(error.message)));
    request.log.error(redactor.redact(error.stack ?? error.message));
    return reply
      .code(500)
      .send(errorBody(500, `internal error of the teacher server: ${redactor.redact(error.message)}`));
  });

  const context: ServerContext = { config, llm, upstream, cache, redactor };
  for (const addRoutes of ROUTES) await addRoutes(app, context);
  return app;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The body of every error answer (Fastify's own shape): the message says what to do. */
export function errorBody(
  statusCode: number,
  message: string,
): { statusCode: number; error: string; message: string } {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message };
}
