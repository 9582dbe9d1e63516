import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript, type ScriptResult } from '../../server/testing/scriptProcesses';
import { row } from '../core/matrix';
import type { ExperimentSummary, TrajectoryFile } from '../core/experiment/outputs';
import { readReferenceRun, type ReferenceRun } from '../core/experiment/referenceRun';
import { REFERENCE_METRIC_NAMES } from '../core/experiment/referenceLayout';
import { IR_MEASURES_NAMES } from '../core/metrics/rankingMetrics';
import { folderFiles } from './dataFolder';

const PYTHON = '/usr/bin/python3';
/** Whether this machine's system Python has PyTorch (Debian's python3-torch), for the torch.load check. */
function hasTorch(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SLUG = 'Baggage_allowance_and_carry-on_size_limits';

describe('npm run experiment --output-layout reference (demo, LSA, gold teacher, 20 steps)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'reference-layout-'));
  const dir = path.join(out, 'ref');
  const common = ['--dataset', 'demo', '--embedding-model', 'lsa', '--teacher', 'gold', '--num-steps', '20'];
  common.push('--save-tensors', '--output-dir', out);
  let reference: ScriptResult;
  let project: ScriptResult;
  let run: ReferenceRun;

  beforeAll(async () => {
    // The same run in both layouts: the project's files are what the reference layout must restate.
    reference = await runScript('src/cli/experiment.ts', [
      ...common,
      '--experiment-name',
      'ref',
      '--output-layout',
      'reference',
    ]);
    project = await runScript('src/cli/experiment.ts', [...common, '--experiment-name', 'project']);
    run = await readReferenceRun(folderFiles(dir));
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("writes the reference's files (and summary.json), none of this project's own", () => {
    expect(reference.code, reference.stderr).toBe(0);
    expect(project.code, project.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'embeddings_raw_scores.parquet',
      'embeddings_results.csv',
      'experiment_config.json',
      'optimized_embeddings_raw_scores.parquet',
      'optimized_embeddings_results.csv',
      'summary.json',
      'tensors',
    ]);
    expect(readdirSync(path.join(dir, 'tensors')).length).toBe(10);
    expect(readdirSync(path.join(dir, 'tensors', SLUG))).toEqual(['query_updates.pt']);
  });

  it("writes experiment_config.json with the reference's arguments, templates and timestamp", () => {
    const config = JSON.parse(readFileSync(path.join(dir, 'experiment_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(config)).toEqual([
      ...['optimize_with_gold', 'hyde_model', 'computation_types', 'embedding_model', 'reranker_model'],
      ...['embedder_batch_size', 'reranker_batch_size', 'dataset', 'lr', 'num_steps', 'total_scores'],
      ...['scores_from_top', 'random_seed', 'experiment_name', 'save_tensors', 'refit'],
      ...['query_template', 'document_template', 'timestamp', 'refinement_explorer'],
    ]);
    expect(config).toMatchObject({
      optimize_with_gold: true,
      hyde_model: null,
      computation_types: ['optimized'],
      embedding_model: 'lsa',
      reranker_model: null,
      dataset: 'demo',
      lr: 0.0001,
      num_steps: 20,
      total_scores: 20,
      scores_from_top: 20,
      random_seed: 42,
      experiment_name: 'ref',
      save_tensors: true,
      refit: false,
    });
    expect(config.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    expect(config.refinement_explorer).toMatchObject({ teacher: 'gold', output_layout: 'reference' });
  });

  it('writes results CSVs as pandas does: topic, the unitxt metrics, then every argument', () => {
    const lines = readFileSync(path.join(dir, 'optimized_embeddings_results.csv'), 'utf8').split('\n');
    expect(lines[0]).toBe(
      ['topic', ...REFERENCE_METRIC_NAMES].join(',') +
        ',optimize_with_gold,hyde_model,computation_types,embedding_model,reranker_model,embedder_batch_size,' +
        'reranker_batch_size,dataset,lr,num_steps,total_scores,scores_from_top,random_seed,experiment_name,' +
        'save_tensors,refit',
    );
    expect(REFERENCE_METRIC_NAMES.slice(0, 3)).toEqual(['roc_auc', 'precision_at_5', 'precision_at_10']);
    expect(lines.length).toBe(1 + 10 + 1);
    expect(lines[1]).toMatch(/,True,,\['optimized'\],lsa,,,,demo,0\.0001,20,20,20,42,ref,True,False$/);
    // match_at_k are floats (1.0), as unitxt returns them.
    expect(lines[1].split(',')[16]).toMatch(/^[01]\.0$/);
  });

  it('writes raw scores with the reference schema (strings dictionary-encoded, int8 labels, float32)', () => {
    const bytes = readFileSync(path.join(dir, 'embeddings_raw_scores.parquet'));
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(meta.schema.slice(1).map((s) => [s.name, s.type, s.converted_type ?? null])).toEqual([
      ['topic', 'BYTE_ARRAY', 'UTF8'],
      ['document', 'BYTE_ARRAY', 'UTF8'],
      ['gold_label', 'INT32', 'INT_8'],
      ['score', 'FLOAT', null],
      ['reranker_score', 'FLOAT', null],
    ]);
    const chunk = meta.row_groups[0].columns;
    expect(chunk[0].meta_data?.codec).toBe('ZSTD');
    // As polars writes Categorical columns: the reader is shown to read dictionary-encoded strings.
    expect(chunk[0].meta_data?.encodings).toContain('RLE_DICTIONARY');
    expect(Number(meta.num_rows)).toBe(3500);
  });

  it('reads back what was computed: scores, labels, teacher scores, metrics and summary', () => {
    expect(run.types).toEqual(['original', 'optimized']);
    const csv = readFileSync(path.join(out, 'project', 'optimized_raw_scores.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(csv.length - 1).toBe(3500);
    let at = 1;
    run.dataset.queries.forEach((q, i) => {
      const teacherAt = new Map(Array.from(run.sampled[i], (c, k) => [c, run.teacher[i].scores[k]]));
      for (let c = 0; c < q.candidates.length; c++, at++) {
        const [, , gold, score, teacher] = csv[at].split(',');
        expect(q.labels[c]).toBe(Number(gold));
        expect(run.scores.optimized[i][c]).toBe(Math.fround(Number(score)));
        expect(teacherAt.get(c) ?? '').toBe(teacher === '' ? '' : Number(teacher));
      }
    });
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as ExperimentSummary;
    // Each metric's ir_measures name, to recompute the numbers with ir_measures (AP, nDCG@10, P@k, ...).
    expect(summary.ir_measures_names).toEqual(IR_MEASURES_NAMES);
    expect(summary.ir_measures_names).toMatchObject({
      map: 'AP',
      ndcg_at_10: 'nDCG@10',
      match_at_5: 'Success@5',
    });
    for (const type of run.types)
      for (const [name, mean] of Object.entries(summary.types[type]!.mean)) {
        const values = run.metrics[type].map(
          (m) => m[name as keyof (typeof run.metrics)[typeof type][number]],
        );
        const finite = values.filter((v) => !Number.isNaN(v));
        expect(finite.reduce((a, b) => a + b, 0) / finite.length, `${type} ${name}`).toBeCloseTo(mean, 12);
      }
    // The CSVs' metric cells read back as the metrics (repr round-trips).
    run.reported.optimized!.forEach((r, i) => {
      expect(r.topic).toBe(run.dataset.queries[i].text);
      for (const name of REFERENCE_METRIC_NAMES) expect(r.metrics[name]).toBe(run.metrics.optimized[i][name]);
    });
  });

  it("reads back the trajectories: every step, as the project's trajectory.json has them", () => {
    const t = run.trajectories!;
    expect(t.steps).toEqual(Array.from({ length: 21 }, (_, s) => s));
    const slugs = readdirSync(path.join(out, 'project', 'tensors'));
    const i = run.dataset.queries.findIndex((q) => q.text === 'Baggage allowance and carry-on size limits');
    const json = JSON.parse(
      readFileSync(
        path.join(
          out,
          'project',
          'tensors',
          slugs.find((s) => s.startsWith('baggage-allowance'))!,
          'trajectory.json',
        ),
        'utf8',
      ),
    ) as TrajectoryFile;
    expect(Array.from(row(t.lossPerStep, i))).toEqual(json.loss_per_step.map(Math.fround));
    const Q = run.dataset.queries.length;
    json.queries.forEach((q, s) =>
      expect(Array.from(row(t.snapshots, s * Q + i))).toEqual(q.map(Math.fround)),
    );
  });

  it.skipIf(!hasTorch())(
    'torch.load reads every written query_updates.pt, also with weights_only=True (runs where /usr/bin/python3 has PyTorch)',
    () => {
      // weights_only=True is the default of torch.load from PyTorch 2.6: only its safe unpickler's globals.
      const script =
        'import json, os, sys, torch\n' +
        'out = []\n' +
        'for slug in sorted(os.listdir(sys.argv[1])):\n' +
        '  f = os.path.join(sys.argv[1], slug, "query_updates.pt")\n' +
        '  d = torch.load(f, weights_only=True)\n' +
        '  assert d.keys() == torch.load(f).keys()\n' +
        '  out.append({"slug": slug, "keys": sorted(d), "topic": d["topic"], "steps": d["steps"],\n' +
        '    "types": [type(d["topic"]).__name__, type(d["steps"]).__name__] + sorted({type(s).__name__ for s in d["steps"]}),\n' +
        '    "dtypes": [str(d["loss_per_step"].dtype), str(d["query_updates"].dtype)],\n' +
        '    "loss": d["loss_per_step"].tolist(), "shape": list(d["query_updates"].shape),\n' +
        '    "queries": d["query_updates"].tolist()})\n' +
        'print(json.dumps(out))';
      const loaded = JSON.parse(
        execFileSync(PYTHON, ['-c', script, path.join(dir, 'tensors')], {
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        }),
      ) as {
        slug: string;
        keys: string[];
        topic: string;
        steps: number[];
        types: string[];
        dtypes: string[];
        loss: number[];
        shape: number[];
        queries: number[][];
      }[];
      const t = run.trajectories!;
      const Q = run.dataset.queries.length;
      expect(loaded.map((d) => d.topic).sort()).toEqual(run.dataset.queries.map((q) => q.text).sort());
      for (const d of loaded) {
        // The reference's slugify: alphanumerics and -_. kept, others _, stripped of _, 128 characters.
        const slug = Array.from(d.topic, (c) => (/[\p{L}\p{N}\-_.]/u.test(c) ? c : '_'))
          .join('')
          .replace(/^_+|_+$/g, '')
          .slice(0, 128);
        expect(d.slug).toBe(slug);
        expect(d.keys).toEqual(['loss_per_step', 'query_updates', 'steps', 'topic']);
        expect(d.types).toEqual(['str', 'list', 'int']);
        expect(d.dtypes).toEqual(['torch.float32', 'torch.float32']);
        const i = run.dataset.queries.findIndex((q) => q.text === d.topic);
        expect(d.steps).toEqual(t.steps);
        expect(d.shape).toEqual([21, t.snapshots.cols]);
        expect(d.loss).toEqual(Array.from(row(t.lossPerStep, i)));
        d.queries.forEach((q, s) =>
          expect(q, `${d.topic} step ${s}`).toEqual(Array.from(row(t.snapshots, s * Q + i))),
        );
      }
    },
  );

  it('serves npm run check as a baseline, its summary computed from the files when summary.json is absent', async () => {
    const bare = path.join(out, 'bare');
    cpSync(dir, bare, { recursive: true });
    rmSync(path.join(bare, 'summary.json'));
    const checked = await runScript('src/cli/check.ts', ['--baseline', bare]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toContain('PASS: all 52 mean metrics within 0.005 of the baseline.');
  }, 60_000);

  it('refuses tensors recorded at fewer steps than every one', async () => {
    const refused = await runScript('src/cli/experiment.ts', [
      ...common,
      '--output-layout',
      'reference',
      '--record-every',
      '10',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--output-layout reference saves every step of a trajectory');
  });
});
