import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { Matrix } from '../core/matrix';
import {
  querySlugs,
  rawScoresCsv,
  resultsCsv,
  trajectoryFile,
  type ConfigColumns,
  type ExperimentSummary,
} from '../core/experiment/outputs';
import type { ExperimentResult } from '../core/experiment/pipeline';

export interface WriteOptions {
  dir: string;
  config: Record<string, unknown>;
  configColumns: ConfigColumns;
  summary: ExperimentSummary;
  saveTensors: boolean;
  saveEmbeddings: boolean;
}

/** Writes every output file of a finished experiment into `dir` (see README, "Outputs"). */
export async function writeExperiment(result: ExperimentResult, options: WriteOptions): Promise<string[]> {
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const json = async (file: string, value: unknown) => {
    await writeFile(path.join(dir, file), JSON.stringify(value, null, 2) + '\n');
    written.push(file);
  };
  const lines = async (file: string, source: Iterable<string>) => {
    await writeLines(path.join(dir, file), source);
    written.push(file);
  };

  await json('config.json', options.config);
  for (const type of result.types) {
    await lines(`${type}_results.csv`, resultsCsv(result, type, options.configColumns));
    await lines(`${type}_raw_scores.csv`, rawScoresCsv(result, type));
  }
  await writeSummary(dir, options.summary);
  written.push('summary.json');

  if (options.saveTensors && result.trajectories) {
    const slugs = querySlugs(result.dataset.queries.map((q) => q.text));
    for (const [i, slug] of slugs.entries()) {
      const folder = path.join(dir, 'tensors', slug);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'trajectory.json'), JSON.stringify(trajectoryFile(result, i)) + '\n');
    }
    written.push(`tensors/ (${slugs.length} trajectories)`);
  }
  if (options.saveEmbeddings) {
    await mkdir(path.join(dir, 'embeddings'), { recursive: true });
    const save = async (name: string, m: Matrix, ids: string[]) => {
      await writeFile(path.join(dir, 'embeddings', `${name}.f32`), littleEndianBytes(m.data));
      await writeFile(
        path.join(dir, 'embeddings', `${name}.json`),
        JSON.stringify({ dims: m.cols, count: m.rows, ids }) + '\n',
      );
      written.push(`embeddings/${name}.f32`, `embeddings/${name}.json`);
    };
    await save(
      'docs',
      result.docEmbeddings,
      result.dataset.documents.map((d) => d.id),
    );
    await save(
      'queries',
      result.queryEmbeddings,
      result.dataset.queries.map((q) => q.id),
    );
  }
  return written;
}

export async function writeSummary(dir: string, summary: ExperimentSummary): Promise<void> {
  await writeFile(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
}

async function writeLines(file: string, source: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  for (const chunk of source) {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

function littleEndianBytes(data: Float32Array): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}
