import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../app';
import { parseServerConfig, type ServerConfig } from '../config';

/** The app server built in the test's own process, listening on a free port of 127.0.0.1. */

export interface TestServer {
  app: FastifyInstance;
  url: string;
}

export interface StandInSetup {
  /** The stand-in upstream's URL: BASE_URL, and OpenAI's base URL (with /v1). */
  upstreamUrl: string;
  apiKey: string;
  openaiApiKey: string;
  /** The test's scratch folder: the cache goes in it, and the (missing) built app is looked for in it. */
  scratch: string;
}

/** A quiet server config in front of a stand-in upstream, with quick retries; `overrides` last. */
export function standInConfig(setup: StandInSetup, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...parseServerConfig([], {}),
    logLevel: 'silent',
    port: 0,
    baseUrl: setup.upstreamUrl,
    apiKey: setup.apiKey,
    openaiApiKey: setup.openaiApiKey,
    openaiBaseUrl: `${setup.upstreamUrl}/v1`,
    cacheDir: path.join(setup.scratch, 'cache'),
    distDir: path.join(setup.scratch, 'no-dist'),
    retries: 2,
    retryDelayMs: 2,
    timeoutMs: 5000,
    ...overrides,
  };
}

export async function startTestServer(
  config: ServerConfig,
  logStream?: { write(line: string): void },
): Promise<TestServer> {
  const app = await buildServer(config, { logStream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { app, url: `http://127.0.0.1:${address.port}` };
}
