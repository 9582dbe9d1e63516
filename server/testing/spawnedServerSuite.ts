import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  isolatedEnv,
  runScript,
  startServerProcess,
  type ScriptResult,
  type ServerProcess,
} from './scriptProcesses';

/** What `spawnedServerSuite` needs of a stand-in upstream (`FakeUpstream`, `FakeEmbeddingUpstream`). */
export interface StartableUpstream {
  readonly url: string;
  start(): Promise<unknown>;
  close(): Promise<void>;
}

export interface SpawnedServerSuite {
  /** The test file's scratch folder; removed after all tests. */
  scratch: string;
  /** `npm start`, running from `beforeAll` on (its fields are set then). */
  server: ServerProcess;
  /** `runScript` in the tests' environment: `isolatedEnv` with the cache in `scratch/cache`, `extraEnv` added. */
  cli(script: string, args: string[], extraEnv?: Record<string, string>): Promise<ScriptResult>;
}

/**
 * For end-to-end test files of the CLI through the app server: registers the hooks that start `upstream`
 * and then `npm start` (`startServerProcess`) before all tests, in an isolated environment with its cache in
 * `scratch/<serverCache>` and `serverEnv(upstream.url)` added, and that stop both and remove the scratch
 * folder after all tests.
 */
export function spawnedServerSuite(options: {
  scratchPrefix: string;
  upstream: StartableUpstream;
  serverEnv: (upstreamUrl: string) => Record<string, string>;
  /** The server's cache folder in the scratch folder; default `cache`, the CLI's. */
  serverCache?: string;
}): SpawnedServerSuite {
  const { upstream } = options;
  const scratch = mkdtempSync(path.join(tmpdir(), options.scratchPrefix));
  const server = {} as ServerProcess;

  beforeAll(async () => {
    await upstream.start();
    const serverCache = path.join(scratch, options.serverCache ?? 'cache');
    Object.assign(
      server,
      await startServerProcess(isolatedEnv(serverCache, options.serverEnv(upstream.url))),
    );
  });
  afterAll(async () => {
    server.proc?.kill('SIGTERM');
    await upstream.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  return {
    scratch,
    server,
    cli: (script, args, extraEnv = {}) =>
      runScript(script, args, isolatedEnv(path.join(scratch, 'cache'), extraEnv)),
  };
}
