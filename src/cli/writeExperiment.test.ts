import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_METHOD } from '../core/experiment/config';
import { summarize } from '../core/experiment/outputs';
import { runDemoExperiment } from '../testing/demoRun';
import { experimentZip } from '../core/experiment/runArchive';
import { writeExperiment } from './writeExperiment';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('writeExperiment and the browser zip', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'write-experiment-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('write the same files with the same bytes', async () => {
    const result = await runDemoExperiment({ ...DEFAULT_METHOD, numSteps: 10, recordEvery: 5 });
    const summary = summarize(result, 'demo', 42);
    const config = { experiment_name: 'demo', dataset: 'demo', lr: 1e-4, num_steps: 10 };
    const written = await writeExperiment(result, {
      dir: out,
      config,
      summary,
      saveTensors: true,
      saveEmbeddings: true,
    });
    expect(written).toContain('optimized_raw_scores.parquet');
    expect(written).toContain('rocchio_run.txt');
    expect(written).toContain('qrels.txt');
    expect(written).toContain(`tensors/ (${result.dataset.queries.length} trajectories)`);

    const zip = unzipSync(
      await experimentZip(result, { config, summary, trajectories: true, embeddings: true }),
    );
    const onDisk = listFiles(out);
    expect(Object.keys(zip).sort()).toEqual(onDisk);
    for (const file of onDisk)
      expect(zip[file], file).toEqual(new Uint8Array(readFileSync(path.join(out, file))));
    const docs = JSON.parse(readFileSync(path.join(out, 'embeddings/docs.json'), 'utf8')) as {
      dims: number;
      count: number;
    };
    expect(readFileSync(path.join(out, 'embeddings/docs.f32')).length).toBe(docs.dims * docs.count * 4);
  });
});
