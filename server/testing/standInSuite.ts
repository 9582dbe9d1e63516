import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ServerConfig } from '../config';
import { standInConfig, startTestServer, type TestServer } from './testServer';

/**
 * The set-up that the server's test files share: a scratch folder, stand-in upstreams, and one app server
 * built in the test's process in front of them. Call `standInSuite` at the top of a test file: it registers
 * the hooks that start the stand-ins and the server before all tests, reset the stand-ins before each test,
 * and close everything and remove the scratch folder after all tests.
 */

/** What the suite needs of a stand-in upstream (`FakeUpstream`, `FakeEmbeddingUpstream`). */
export interface StandInUpstream {
  readonly url: string;
  start(): Promise<unknown>;
  reset(): void;
  close(): Promise<void>;
}

/** The keys of the servers (as API_KEY and OPENAI_API_KEY), and changes to the shared server's config. */
export interface StandInServerOptions {
  /** The key the servers send to the upstream (API_KEY). */
  apiKey: string;
  /** OPENAI_API_KEY of the servers. */
  openaiApiKey: string;
  /** Changes to the shared server's config (`configFor`'s defaults otherwise). */
  mainOverrides?: Partial<ServerConfig>;
}

export interface StandInSuite {
  /** The test file's scratch folder: the servers' cache is in it; removed after all tests. */
  scratch: string;
  /** The server that the tests share, listening from `beforeAll` on (its fields are set then). */
  main: TestServer;
  /** A quiet config in front of the first upstream, with the suite's keys and scratch folder; `overrides` last. */
  configFor(overrides?: Partial<ServerConfig>): ServerConfig;
  /** A server of its own, `configFor(overrides)`, for the length of `use`; closed after it, also on failure. */
  withServer<T>(overrides: Partial<ServerConfig>, use: (server: TestServer) => Promise<T>): Promise<T>;
}

/** `withServer` overrides: no upstream is configured (no BASE_URL, API_KEY or OPENAI_API_KEY). */
export const NO_UPSTREAM: Partial<ServerConfig> = {
  baseUrl: undefined,
  openaiApiKey: undefined,
  apiKey: undefined,
};

/** `withServer` overrides: BASE_URL is a port where nothing listens, and failures are not retried. */
export const UPSTREAM_DOWN: Partial<ServerConfig> = { baseUrl: 'http://127.0.0.1:9', retries: 0 };

/**
 * `scratchPrefix`: the start of the scratch folder's name (in the system's temporary folder). `upstreams`:
 * the first is the servers' upstream (BASE_URL); the others are only started, reset and closed.
 */
export function standInSuite(
  scratchPrefix: string,
  upstreams: [StandInUpstream, ...StandInUpstream[]],
  options: StandInServerOptions,
): StandInSuite {
  const scratch = mkdtempSync(path.join(tmpdir(), scratchPrefix));
  const configFor = (overrides: Partial<ServerConfig> = {}): ServerConfig =>
    standInConfig(
      {
        upstreamUrl: upstreams[0].url,
        apiKey: options.apiKey,
        openaiApiKey: options.openaiApiKey,
        scratch,
      },
      overrides,
    );
  const main = {} as TestServer;

  beforeAll(async () => {
    for (const upstream of upstreams) await upstream.start();
    Object.assign(main, await startTestServer(configFor(options.mainOverrides)));
  });
  beforeEach(() => {
    for (const upstream of upstreams) upstream.reset();
  });
  afterAll(async () => {
    await main.app?.close();
    for (const upstream of upstreams) await upstream.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const withServer = async <T>(
    overrides: Partial<ServerConfig>,
    use: (server: TestServer) => Promise<T>,
  ): Promise<T> => {
    const server = await startTestServer(configFor(overrides));
    try {
      return await use(server);
    } finally {
      await server.app.close();
    }
  };

  return { scratch, main, configFor, withServer };
}
