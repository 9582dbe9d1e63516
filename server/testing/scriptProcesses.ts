import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * For end-to-end tests: the repository's scripts (the CLI, `npm start`'s entry point) run with tsx as the
 * user runs them, in an environment without the machine's own upstream, cache, data and port settings.
 */

export const repoRoot = path.resolve(new URL('../..', import.meta.url).pathname);
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const run = promisify(execFile);

/** Settings a developer's machine may have that would send a test to a real upstream or folder. */
const MACHINE_SETTINGS = [
  'BASE_URL',
  'API_KEY',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'EMBED_BASE_URL',
  'EMBED_API_KEY',
  'CACHE_DIR',
  'DATA_DIR',
  'PORT',
];

/** This process's environment without the machine's settings, with the cache in `cacheDir`, then `extra`. */
export function isolatedEnv(cacheDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of MACHINE_SETTINGS) delete env[name];
  return { ...env, CACHE_DIR: cacheDir, ...extra };
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tsx <script> <args>` in the repository; its exit code and output, also when it fails. */
export async function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await run(tsx, [script, ...args], { cwd: repoRoot, env, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as ScriptResult;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Everything it printed so far. */
  output: () => string;
}

/** `npm start` (server/main.ts) on a free port; resolves once it printed its URL and its upstreams. */
export function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const proc = spawn(tsx, ['server/main.ts', '--port', '0', '--no-build', '--log-level', 'warn'], {
    cwd: repoRoot,
    env,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Refinement Explorer: (http:\/\/\S+?)\/\n/.exec(output);
      // The upstreams' description ends with the cache line.
      if (match && output.includes('cache:')) {
        clearTimeout(timer);
        resolve({ url: match[1], proc, output: () => output });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
}

export interface ScriptProcess {
  proc: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  /** Its exit code (null: ended by a signal), once it exits. */
  exited: Promise<number | null>;
}

/**
 * `node --import tsx <script> <args>` (one process: the CLI's sources, which `npm run experiment` runs from
 * their bundle, scripts/cli.mjs) started in the background, for tests that signal it while it runs. With `group`, in a process group of its own, so that
 * a test can signal it as a terminal's Ctrl-C does (`kill(-pid)`).
 */
export function spawnScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { group?: boolean } = {},
): ScriptProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env,
    detached: options.group ?? false,
  });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return { proc, output: () => output, exited };
}
