import { parentPort } from 'node:worker_threads';
import {
  experimentFiles,
  qrelsFile,
  typeTableFiles,
  type RunFileContent,
  type RunTables,
  type TableFileOptions,
} from '../core/experiment/runFiles';
import type { ComputationType } from '../core/experiment/config';
import type { RunFileWorkerData, RunFileWorkerMessage, RunFileWorkerReply } from './runFileWorkers';
import { writeRunFile } from './writeRunFile';

/**
 * A worker thread of `RunFileWorkerPool`: it gets the tables the run has so far (`tables` messages, while
 * the run goes on) or the finished run (`run`), builds the same files as the main thread (`typeTableFiles`,
 * `qrelsFile`, `experimentFiles`), and writes each file it is sent to its target path.
 */
const port = parentPort!;
/** The tables of the `tables` messages, merged (each sends what is new). */
let held: Partial<RunTables> = {};
let tableOptions: TableFileOptions = {};
let run: RunFileWorkerData | undefined;
/** The files of what the worker holds, built again (lazily: contents are closures) after each message. */
let files: Map<string, RunFileContent> | undefined;

function fileList(): Map<string, RunFileContent> {
  const list = run ? experimentFiles(run.result, run.options) : [];
  const { dataset } = held;
  if (dataset) {
    const tables: RunTables = { dataset, sampled: [], teacher: [], scores: {}, ...held };
    const types = Object.keys(tables.scores) as ComputationType[];
    list.push(...types.flatMap((type) => typeTableFiles(tables, type, tableOptions)));
    if (tableOptions.trec ?? true) list.push(qrelsFile(tables));
  }
  return new Map(list.map((f) => [f.path, f.content]));
}

port.on('message', (message: RunFileWorkerMessage) => {
  if (message.kind === 'run') {
    run = message.run;
    files = undefined;
    return;
  }
  if (message.kind === 'tables') {
    held = { ...held, ...message.tables, scores: { ...held.scores, ...message.tables.scores } };
    tableOptions = message.options;
    files = undefined;
    return;
  }
  files ??= fileList();
  const content = files.get(message.path);
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
