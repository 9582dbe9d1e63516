import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { ConfigColumns, ExperimentSummary } from '../core/experiment/outputs';
import type { ExperimentResult } from '../core/experiment/pipeline';
import { experimentFiles, type OutputLayout } from '../core/experiment/runFiles';

export interface WriteOptions {
  dir: string;
  config: Record<string, unknown>;
  /** Default: `configColumnsOf(config)`. */
  configColumns?: ConfigColumns;
  summary: ExperimentSummary;
  saveTensors: boolean;
  saveEmbeddings: boolean;
  /** `<type>_raw_scores.parquet` (default true). */
  parquet?: boolean;
  /** `<type>_run.txt` and `qrels.txt` (default true). */
  trec?: boolean;
  /** This project's files (default) or the reference code's (`experimentFiles`). */
  layout?: OutputLayout;
  /** Stops the writing (between files, and within a large one) with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Writes every output file of a finished experiment into `dir` (see README, "Outputs"): the files of
 * `experimentFiles`, the same list the browser zips. Returns their relative paths (trajectories summarised).
 */
export async function writeExperiment(result: ExperimentResult, options: WriteOptions): Promise<string[]> {
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  const files = experimentFiles(result, {
    config: options.config,
    configColumns: options.configColumns,
    summary: options.summary,
    trajectories: options.saveTensors,
    embeddings: options.saveEmbeddings,
    parquet: options.parquet,
    trec: options.trec,
    layout: options.layout,
  });
  const written: string[] = [];
  let trajectories = 0;
  const folders = new Set<string>();
  for (const file of files) {
    options.signal?.throwIfAborted();
    const target = path.join(dir, ...file.path.split('/'));
    const folder = path.dirname(target);
    if (!folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      folders.add(folder);
    }
    if (file.content.kind === 'binary') await writeFile(target, await file.content.bytes());
    else await writeLines(target, file.content.chunks(), options.signal);
    if (file.path.startsWith('tensors/')) trajectories++;
    else written.push(file.path);
  }
  if (trajectories) written.push(`tensors/ (${trajectories} trajectories)`);
  return written;
}

export async function writeSummary(dir: string, summary: ExperimentSummary): Promise<void> {
  await writeFile(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
}

async function writeLines(file: string, source: Iterable<string>, signal?: AbortSignal): Promise<void> {
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  for (const chunk of source) {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    if (signal?.aborted) {
      out.destroy();
      signal.throwIfAborted();
    }
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}
