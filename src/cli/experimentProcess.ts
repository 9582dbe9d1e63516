import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is src/cli/experimentProcess.ts). */
export const PROJECT_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** `npm run experiment`'s entry point. */
export const EXPERIMENT_SCRIPT = path.join(PROJECT_ROOT, 'src/cli/experiment.ts');
/** What `npm run <command>` runs: the CLI commands from their bundle (scripts/cli.mjs). */
export const CLI_LAUNCHER = path.join(PROJECT_ROOT, 'scripts/cli.mjs');

export interface ProcessOutcome {
  /** Exit status; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything it wrote to stdout. */
  stdout: string;
  /** The last lines it wrote to stderr (the whole of it goes to the log file). */
  stderrTail: string[];
  /** Wall time from start to exit, in milliseconds. */
  wallMs: number;
  /**
   * The process's peak resident memory (all its threads) in bytes, as Linux's `/proc/<pid>/status` (VmHWM)
   * last showed it, polled every `PEAK_POLL_MS`: a peak in the last moments before exit may be missed. Null
   * where there is no /proc.
   */
  peakRssBytes: number | null;
}

/** How often the peak memory of a child process is read. */
const PEAK_POLL_MS = 50;

export interface ProcessOptions {
  /** Both streams, as they come, also go to this file. */
  logFile?: string;
  /** Stops the process (SIGTERM) when aborted. */
  signal?: AbortSignal;
  /** Lines of stderr kept for the outcome (default 30). */
  tailLines?: number;
}

/**
 * Runs `npm run experiment -- ...args` (or another CLI command of scripts/cli.mjs) in a child Node process,
 * as npm would, without npm's own start-up.
 */
export async function runCliProcess(
  args: string[],
  options: ProcessOptions = {},
  command = 'experiment',
): Promise<ProcessOutcome> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_LAUNCHER, command, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const log = options.logFile ? createWriteStream(options.logFile) : undefined;
  const tail: string[] = [];
  const keep = options.tailLines ?? 30;
  let stdout = '';
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    stdout += text;
    log?.write(text);
  });
  child.stderr.on('data', (text: string) => {
    log?.write(text);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) tail.push(line.replace(/\r.*\r/g, ''));
    if (tail.length > keep) tail.splice(0, tail.length - keep);
  });
  let peakRssBytes: number | null = null;
  const poll = setInterval(() => {
    const peak = highWaterMark(child.pid);
    if (peak !== null) peakRssBytes = Math.max(peakRssBytes ?? 0, peak);
  }, PEAK_POLL_MS);
  const stop = () => child.kill('SIGTERM');
  options.signal?.addEventListener('abort', stop, { once: true });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearInterval(poll);
  options.signal?.removeEventListener('abort', stop);
  if (partial.trim()) tail.push(partial);
  if (log) {
    log.end();
    await once(log, 'close');
  }
  const wallMs = performance.now() - started;
  return { code, signal, stdout, stderrTail: tail.slice(-keep), wallMs, peakRssBytes };
}

/** VmHWM of a running process in bytes; null when unknown (no /proc, the process has gone). */
function highWaterMark(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The error a failed CLI printed (`Error: ...`, see runCli), else its last line or its exit status. */
export function failureMessage(outcome: ProcessOutcome): string {
  const errorLine = [...outcome.stderrTail].reverse().find((line) => line.startsWith('Error: '));
  if (errorLine) return errorLine.slice('Error: '.length);
  if (outcome.signal) return `stopped by ${outcome.signal}`;
  const last = outcome.stderrTail.at(-1);
  return last ? `exit status ${outcome.code}: ${last}` : `exit status ${outcome.code}`;
}
