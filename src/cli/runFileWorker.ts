import { parentPort, workerData } from 'node:worker_threads';
import { experimentFiles } from '../core/experiment/runFiles';
import type { RunFileTask, RunFileWorkerData, RunFileWorkerReply } from './runFileWorkers';
import { writeRunFile } from './writeRunFile';

/**
 * A worker thread of `writeRunFilesInParallel`: it gets the run's tables once (`workerData`), builds the
 * same file list as the main thread, and writes each file it is sent to its target path.
 */
const { result, options } = workerData as RunFileWorkerData;
const files = new Map(experimentFiles(result, options).map((f) => [f.path, f.content]));
const port = parentPort!;

port.on('message', (task: RunFileTask) => {
  const content = files.get(task.path);
  const reply = (message: RunFileWorkerReply) => port.postMessage(message);
  if (!content) {
    reply({ path: task.path, error: `the worker has no file ${task.path}` });
    return;
  }
  writeRunFile(task.target, content).then(
    () => reply({ path: task.path }),
    (error: unknown) => reply({ path: task.path, error: (error as Error).message ?? String(error) }),
  );
});
