import { parentPort } from 'node:worker_threads';
import type { RunFile, RunTables, TableFileOptions } from '../core/experiment/runFiles';
import { qrelsFile, typeTableFiles, writtenTogether } from '../core/experiment/tableFiles';
import type { ComputationType } from '../core/experiment/config';
import type { RunFileWorkerData, RunFileWorkerMessage, RunFileWorkerReply } from './runFileWorkers';
import { writeRunFile, writeRunFiles } from './writeRunFile';

/**
 * A worker thread of `RunFileWorkerPool`: it gets the tables the run has so far (`tables` messages, while
 * the run goes on) or the finished run (`run`), builds the same files as the main thread (`typeTableFiles`,
 * `qrelsFile`, `experimentFiles`), and writes each file it is sent to its target path (files sent together,
 * a type's raw-score CSV and TREC run, from their group's one generator: `writtenTogether`).
 */
const port = parentPort!;
/** The tables of the `tables` messages, merged (each sends what is new). */
let held: Partial<RunTables> = {};
let tableOptions: TableFileOptions = {};
let run: RunFileWorkerData | undefined;
/** The files of what the worker holds, built again (lazily: contents are closures) after each message. */
let files: Promise<Map<string, RunFile>> | undefined;

async function fileList(): Promise<Map<string, RunFile>> {
  const { dataset } = held;
  const list: RunFile[] = [];
  if (dataset) {
    const tables: RunTables = { dataset, sampled: [], teacher: [], scores: {}, ...held };
    const types = Object.keys(tables.scores) as ComputationType[];
    list.push(...types.flatMap((type) => typeTableFiles(tables, type, tableOptions)));
    if (tableOptions.trec ?? true) list.push(qrelsFile(tables));
  }
  if (run) {
    const finished = run;
    // Loaded only for a finished run's files: the CLI hands every large file over while the run goes on
    // (`tables`), and the modules of a whole run folder (the reference layout's among them) take a worker
    // a few hundred milliseconds to load.
    const { experimentFiles } = await import('../core/experiment/runFiles');
    list.unshift(...experimentFiles(finished.result, finished.options));
  }
  return new Map(list.map((f) => [f.path, f]));
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
  void writeFiles(files, message.paths, message.targets).then((reply) => port.postMessage(reply));
});

async function writeFiles(
  list: Promise<Map<string, RunFile>>,
  paths: string[],
  targets: string[],
): Promise<RunFileWorkerReply> {
  try {
    const held = await list;
    const missing = paths.find((path) => !held.has(path));
    if (missing !== undefined) return { paths, error: `the worker has no file ${missing}` };
    const first = held.get(paths[0])!;
    if (paths.length === 1) {
      await writeRunFile(targets[0], first.content);
      return { paths };
    }
    const group = writtenTogether(first);
    if (!group || group.paths.join('\n') !== paths.join('\n'))
      return { paths, error: `the worker cannot write ${paths.join(' and ')} together` };
    await writeRunFiles(targets, group.chunks());
    return { paths };
  } catch (error) {
    return { paths, error: (error as Error).message ?? String(error) };
  }
}
