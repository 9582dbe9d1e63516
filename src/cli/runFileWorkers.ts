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

export interface RunFileTask {
  path: string;
  target: string;
}

export interface RunFileWorkerReply {
  path: string;
  error?: string;
}

export interface ParallelWriteOptions {
  /** Worker threads; default one per core the process may use, at most one per large file. 0: none. */
  workers?: number;
  signal?: AbortSignal;
}

/**
 * Writes every file of `files` (from `experimentFiles(result, filesOptions)`) to `targetOf(file)`, whose
 * folder must exist.
 */
export async function writeRunFilesInParallel(
  result: ExperimentResult,
  filesOptions: RunFilesOptions,
  files: readonly RunFile[],
  targetOf: (file: RunFile) => string,
  options: ParallelWriteOptions = {},
): Promise<void> {
  const { signal } = options;
  const large = files.filter((f) => f.large);
  const count = Math.min(large.length, options.workers ?? availableParallelism());
  const inMain = count > 0 ? files.filter((f) => !f.large) : files;
  const queue = count > 0 ? [...large] : [];
  const workers: Worker[] = [];
  const data: RunFileWorkerData = {
    result: {
      ...result,
      docEmbeddings: matrix(0, result.docEmbeddings.cols),
      queryEmbeddings: matrix(0, result.queryEmbeddings.cols),
      trajectories: undefined,
    },
    options: { ...filesOptions, trajectories: false, embeddings: false },
  };
  const byWorkers = (async () => {
    if (count === 0) return;
    let stop: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    // Stops after the work is done (the workers' exit when terminated) are nobody's concern.
    stopped.catch(() => undefined);
    const onAbort = () => stop(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([
        stopped,
        Promise.all(
          Array.from({ length: count }, async () => {
            const worker = startWorker(new URL('./runFileWorker.ts', import.meta.url), { workerData: data });
            workers.push(worker);
            worker.once('error', (error) => stop(error));
            worker.once('exit', (code) =>
              stop(new Error(`a file-writing worker stopped (exit code ${code})`)),
            );
            for (let file = queue.shift(); file; file = queue.shift()) {
              const task: RunFileTask = { path: file.path, target: targetOf(file) };
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
    }
  })();
  // Awaited below, after the main thread's files; a failure meanwhile must not go unhandled.
  byWorkers.catch(() => undefined);
  try {
    for (const file of inMain) {
      signal?.throwIfAborted();
      await writeRunFile(targetOf(file), file.content, signal);
    }
    await byWorkers;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
