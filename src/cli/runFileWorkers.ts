import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { matrix } from '../core/matrix';
import type { ExperimentResult } from '../core/experiment/pipeline';
import type { RunFile, RunFilesOptions, RunTables, TableFileOptions } from '../core/experiment/runFiles';
import { writtenTogether } from '../core/experiment/tableFiles';
import { startWorker } from './tsWorker';
import { writeRunFile } from './writeRunFile';

/**
 * Writes a run's files with the large tables (`RunFile.large`: raw scores as CSV and Parquet, TREC runs,
 * qrels: millions of rows each) spread over worker threads, one file per worker at a time, while the main
 * thread writes the small files. Each worker receives the run's tables once, as a structured clone (the
 * embeddings and trajectories, which no large file reads, stay behind; the CLI sends them piece by piece
 * while the run goes on, see `shareTables`), and produces the bytes with exactly the code the main thread
 * and the browser's zip use (`experimentFiles`, `typeTableFiles`).
 */

export interface RunFileWorkerData {
  result: ExperimentResult;
  options: RunFilesOptions;
}

/**
 * What the main thread sends a worker: tables to merge into what it holds (`tables`, for the files written
 * while the run goes on) or the finished run (`run`), each before the files that read it; then one file to
 * write at a time: one file, or the files of a `RunFileGroup` (a type's raw-score CSV and TREC run), which
 * the worker writes together.
 */
export type RunFileWorkerMessage =
  | { kind: 'run'; run: RunFileWorkerData }
  | { kind: 'tables'; tables: Partial<RunTables>; options: TableFileOptions }
  | { kind: 'file'; paths: string[]; targets: string[] };

export interface RunFileWorkerReply {
  paths: string[];
  error?: string;
}

/** A worker's job: one file, or files written together. */
interface QueuedFile {
  paths: string[];
  targets: string[];
  rank: number;
}

/**
 * Worker threads for the large files, started before the run has anything to write: starting one (a
 * thread, tsx, the modules of `experimentFiles`) takes a large part of a second, which the CLI spends
 * while the main thread fits the embedder and refines, on a core that is otherwise idle then. The CLI also
 * hands them files as soon as their tables exist (`shareTables`, `writeEarly`: qrels.txt after the dataset
 * loads, a computation type's files when its scores are final) while the run goes on; `write` writes the
 * rest and waits for all. Idle workers do not keep the process alive; `close` ends them.
 */
export class RunFileWorkerPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  /** Jobs waiting for a worker, most expensive first (`costRank`), in the order given among equals. */
  private readonly queue: QueuedFile[] = [];
  /** Paths queued, being written or written. */
  private readonly taken = new Set<string>();
  /** Jobs queued or being written. */
  private pending = 0;
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private state: 'idle' | 'writing' | 'closed' = 'idle';
  /** A worker's failure (an error, an exit, a file it could not write), which stops the write. */
  private failure: Error | undefined;

  constructor(count: number = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(0, count) }, () => {
      const worker = startWorker(new URL('./runFileWorker.ts', import.meta.url));
      worker.unref();
      // Exits after the pool is closed (terminated workers) are nobody's concern.
      const fail = (error: Error) => {
        if (this.state !== 'closed') this.fail(error);
      };
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`a file-writing worker stopped (exit code ${code})`)));
      worker.on('message', (reply: RunFileWorkerReply) => {
        this.pending--;
        if (reply.error) this.fail(new Error(`cannot write ${reply.paths.join(' and ')}: ${reply.error}`));
        worker.unref();
        this.idle.push(worker);
        this.pump();
        this.settle();
      });
      return worker;
    });
    this.idle = [...this.workers];
  }

  /** Workers that can still write (none once the pool has written or was closed). */
  get size(): number {
    return this.state === 'idle' ? this.workers.length : 0;
  }

  /** Sends every worker tables that the next files read (merged into what they hold; sent once each). */
  shareTables(tables: Partial<RunTables>, options: TableFileOptions): void {
    if (this.size === 0) return;
    for (const worker of this.workers)
      worker.postMessage({ kind: 'tables', tables, options } satisfies RunFileWorkerMessage);
  }

  /**
   * Starts writing `files` (from `typeTableFiles` or `qrelsFile` over the tables shared) while the caller
   * goes on; `write` waits for them and reports a failure. Nothing happens once the pool has written, was
   * closed or failed, or has no workers: `write`'s caller then writes those files itself.
   */
  writeEarly(files: readonly RunFile[], targetOf: (file: RunFile) => string): void {
    if (this.size === 0 || this.failure) return;
    this.enqueue(files, targetOf);
  }

  /**
   * Writes `large` files (`experimentFiles` of `data`) on the workers, those not already started with
   * `writeEarly`, waits for every file, then closes the pool.
   */
  async write(
    data: RunFileWorkerData,
    large: readonly RunFile[],
    targetOf: (file: RunFile) => string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (this.state !== 'idle') throw new Error('the file-writing workers were used or closed');
    this.state = 'writing';
    let onAbort = () => undefined as void;
    try {
      signal?.throwIfAborted();
      if (this.failure) throw this.failure;
      const rest = large.filter((file) => !this.taken.has(file.path));
      if (rest.length) {
        for (const worker of this.workers)
          worker.postMessage({ kind: 'run', run: data } satisfies RunFileWorkerMessage);
        this.enqueue(rest, targetOf);
      }
      await new Promise<void>((resolve, reject) => {
        onAbort = () => reject(signal!.reason as Error);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push({ resolve, reject });
        this.settle();
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.close();
    }
  }

  /** Ends the workers (idempotent): files being written are left unfinished. */
  async close(): Promise<void> {
    this.state = 'closed';
    this.queue.length = 0;
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  /**
   * Queues `files`, those of a group (`writtenTogether`) as one job when all of them are among `files` and
   * none was taken yet (else each alone); a job ranks as its most expensive file.
   */
  private enqueue(files: readonly RunFile[], targetOf: (file: RunFile) => string): void {
    const byPath = new Map(files.map((file) => [file.path, file]));
    for (const file of files) {
      if (this.taken.has(file.path)) continue;
      const group = writtenTogether(file)?.paths;
      const members =
        group && group.every((p) => byPath.has(p) && !this.taken.has(p))
          ? group.map((p) => byPath.get(p)!)
          : [file];
      for (const member of members) this.taken.add(member.path);
      this.pending++;
      const queued: QueuedFile = {
        paths: members.map((member) => member.path),
        targets: members.map(targetOf),
        rank: Math.min(...members.map((member) => costRank(member.path))),
      };
      const at = this.queue.findIndex((other) => other.rank > queued.rank);
      this.queue.splice(at < 0 ? this.queue.length : at, 0, queued);
    }
    this.pump();
  }

  /** Gives queued files to idle workers. */
  private pump(): void {
    while (!this.failure && this.state !== 'closed' && this.idle.length && this.queue.length) {
      const worker = this.idle.shift()!;
      const job = this.queue.shift()!;
      // Busy workers keep the process alive until their files are written.
      worker.ref();
      worker.postMessage({
        kind: 'file',
        paths: job.paths,
        targets: job.targets,
      } satisfies RunFileWorkerMessage);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.queue.length = 0;
    this.settle();
  }

  /** Answers `write`: the first failure, or every file written. */
  private settle(): void {
    if (!this.failure && this.pending > 0) return;
    const waiters = this.waiters.splice(0);
    for (const waiter of waiters) {
      if (this.failure) waiter.reject(this.failure);
      else waiter.resolve();
    }
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
 * folder must exist. The large files go to the workers longest first (Parquet, TREC runs (with their CSV
 * when both are written: one job), CSV, qrels by their measured cost), so that no worker is left with a
 * long file while the others are done.
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
