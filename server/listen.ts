import type { FastifyInstance } from 'fastify';
import { buildServer } from './app';
import type { ServerConfig } from './config';

/** What `npm start` and `npm run dev` share: starting the server on its configured port, and their errors. */

export interface ListeningServer {
  app: FastifyInstance;
  /** `http://host:port` with the port it got (an IPv6 host in brackets). */
  origin: string;
}

/** Builds the server and listens on `config`'s host and port; a port in use says how to choose another. */
export async function listenOnConfiguredPort(config: ServerConfig): Promise<ListeningServer> {
  const app = await buildServer(config);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    if ((error as { code?: unknown }).code === 'EADDRINUSE')
      throw new Error(
        `port ${config.port} on ${config.host} is in use: pass --port N or set PORT (0: any free port)`,
        { cause: error },
      );
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { app, origin: `http://${shownHost}:${port}` };
}

/** Runs a server entry point: an error prints one line (no stack trace) and sets exit status 1. */
export async function runServerEntryPoint(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`\nError: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
