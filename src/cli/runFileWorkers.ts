import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { matrix } from '../core/matrix';
import type { ExperimentResult } from '../core/experiment/pipeline';
import type { RunFile, RunFilesOptions } from '../core/experiment/runFiles';
import { startWorker } from './tsWorker';
import { writeRunFile } from './writeRunFile';

/**
 * Writes a run's files with the large tables (`RunFile.large`: raw scores as CSV and Parquet, TREC runs,
 * qrels: millions of rows each) spread over worker threads, one file per worker at a time, while the main
 * thread writes the small files. Each worker receives the run's tables once, as a structured clone (the
 * embeddings and trajectories, which no large file reads, stay behind), and produces the bytes with exactly
 * the code the main thread and the browser's zip use (`experimentFiles`).
 */

export interface RunFileWorkerData {
  result: ExperimentResult;
  options: RunFilesOptions;
}

/** What the main thread sends a worker: the run (once, first), then one file to write at a time. */
export type RunFileWorkerMessage =
  { kind: 'run'; run: RunFileWorkerData } | { kind: 'file'; path: string; target: string };

export interface RunFileWorkerReply {
  path: string;
  error?: string;
}

/**
 * Worker threads for the large files, started before the run has anything to write: starting one (a
 * thread, tsx, the modules of `experimentFiles`) takes a large part of a second, which the CLI spends
 * while the main thread fits the embedder and refines, on a core that is otherwise idle then. Idle workers
 * do not keep the process alive; `close` ends them.
 */
export class RunFileWorkerPool {
  private readonly workers: Worker[];
  private state: 'idle' | 'writing' | 'closed' = 'idle';
  /** A worker's failure (an error, an exit) before or during the write, which stops the write. */
  private failure: Error | undefined;
  private onFailure: (error: Error) => void = () => undefined;

  constructor(count: number = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(0, count) }, () => {
      const worker = startWorker(new URL('./runFileWorker.ts', import.meta.url));
      worker.unref();
      // Exits after the pool is closed (terminated workers) are nobody's concern.
      const fail = (error: Error) => {
        if (this.state === 'closed') return;
        this.failure ??= error;
        this.onFailure(error);
      };
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`a file-writing worker stopped (exit code ${code})`)));
      return worker;
    });
  }

  /** Workers that can still write (none once the pool has written or was closed). */
  get size(): number {
    return this.state === 'idle' ? this.workers.length : 0;
  }

  /** Writes `large` files (`experimentFiles` of `data`) on the workers, then closes the pool. */
  async write(
    data: RunFileWorkerData,
    large: readonly RunFile[],
    targetOf: (file: RunFile) => string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (this.state !== 'idle') throw new Error('the file-writing workers were used or closed');
    this.state = 'writing';
    const queue = [...large];
    let stop: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    // Raced below while the files are written; a stop after that is nobody's concern.
    stopped.catch(() => undefined);
    this.onFailure = stop;
    const onAbort = () => stop(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      if (this.failure) throw this.failure;
      await Promise.race([
        stopped,
        Promise.all(
          this.workers.slice(0, large.length).map(async (worker) => {
            // Busy workers keep the process alive until the last file is written.
            worker.ref();
            worker.postMessage({ kind: 'run', run: data } satisfies RunFileWorkerMessage);
            for (let file = queue.shift(); file; file = queue.shift()) {
              const task: RunFileWorkerMessage = { kind: 'file', path: file.path, target: targetOf(file) };
              const reply = await new Promise<RunFileWorkerReply>((resolve) => {
                worker.once('message', resolve);
                worker.postMessage(task);
              });
              if (reply.error) throw new Error(`cannot write ${reply.path}: ${reply.error}`);
            }
          }),
        ),
      ]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.close();
    }
  }

  /** Ends the workers (idempotent). */
  async close(): Promise<void> {
    this.state = 'closed';
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

export interface ParallelWriteOptions {
  /**
   * Worker threads: a pool started earlier (used up by this write), or how many to start; default one per
   * core the process may use, at most one per large file. 0: none.
   */
  workers?: number | RunFileWorkerPool;
  signal?: AbortSignal;
}

/**
 * Writes every file of `files` (from `experimentFiles(result, filesOptions)`) to `targetOf(file)`, whose
 * folder must exist. The large files go to the workers longest first (Parquet, TREC runs, CSV, qrels by
 * their measured cost), so that no worker is left with a long file while the others are done.
 */
export async function writeRunFilesInParallel(
  result: ExperimentResult,
  filesOptions: RunFilesOptions,
  files: readonly RunFile[],
  targetOf: (file: RunFile) => string,
  options: ParallelWriteOptions = {},
): Promise<void> {
  const { signal } = options;
  const large = files.filter((f) => f.large).sort((a, b) => costRank(a.path) - costRank(b.path));
  const given = options.workers;
  const pool =
    given instanceof RunFileWorkerPool
      ? given
      : new RunFileWorkerPool(Math.min(large.length, given ?? availableParallelism()));
  try {
    const inMain = pool.size > 0 && large.length > 0 ? files.filter((f) => !f.large) : files;
    const data: RunFileWorkerData = {
      result: {
        ...result,
        docEmbeddings: matrix(0, result.docEmbeddings.cols),
        queryEmbeddings: matrix(0, result.queryEmbeddings.cols),
        trajectories: undefined,
      },
      options: { ...filesOptions, trajectories: false, embeddings: false },
    };
    const byWorkers = inMain === files ? Promise.resolve() : pool.write(data, large, targetOf, signal);
    // Awaited below, after the main thread's files; a failure meanwhile must not go unhandled.
    byWorkers.catch(() => undefined);
    for (const file of inMain) {
      signal?.throwIfAborted();
      await writeRunFile(targetOf(file), file.content, signal);
    }
    await byWorkers;
  } finally {
    await pool.close();
  }
}

/** Large files by their cost to produce, most expensive first (`npm run bench -- --sections outputs`). */
const LARGE_FILE_COST_ORDER = [/\.parquet$/, /_run\.txt$/, /\.csv$/];

function costRank(path: string): number {
  const rank = LARGE_FILE_COST_ORDER.findIndex((pattern) => pattern.test(path));
  return rank < 0 ? LARGE_FILE_COST_ORDER.length : rank;
}
