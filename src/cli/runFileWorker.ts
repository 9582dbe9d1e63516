import { parentPort } from 'node:worker_threads';
import { experimentFiles, type RunFileContent } from '../core/experiment/runFiles';
import type { RunFileWorkerMessage, RunFileWorkerReply } from './runFileWorkers';
import { writeRunFile } from './writeRunFile';

/**
 * A worker thread of `RunFileWorkerPool`: it gets the run's tables once (the first message), builds the
 * same file list as the main thread, and writes each file it is sent to its target path.
 */
const port = parentPort!;
let files: Map<string, RunFileContent> | undefined;

port.on('message', (message: RunFileWorkerMessage) => {
  if (message.kind === 'run') {
    const { result, options } = message.run;
    files = new Map(experimentFiles(result, options).map((f) => [f.path, f.content]));
    return;
  }
  const content = files?.get(message.path);
  const reply = (answer: RunFileWorkerReply) => port.postMessage(answer);
  if (!content) {
    reply({ path: message.path, error: `the worker has no file ${message.path}` });
    return;
  }
  writeRunFile(message.target, content).then(
    () => reply({ path: message.path }),
    (error: unknown) => reply({ path: message.path, error: (error as Error).message ?? String(error) }),
  );
});
