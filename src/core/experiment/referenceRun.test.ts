import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFiles } from '../datasets/memoryFiles';
import { row } from '../matrix';
import { rankByScore } from '../metrics/rankingMetrics';
import { sampleForTeacher } from '../refine/sampling';
import { summarize } from './outputs';
import { projectConfigOfReference, referenceArgsOf } from './referenceLayout';
import { readReferenceRun } from './referenceRun';
import { REFERENCE_RUN_DIR, REFERENCE_RUN_FILES, referenceRunInMemory } from '../../testing/sharedFolder';

// The browser's way in: the folder's files held in memory.
const files = referenceRunInMemory();

describe('readReferenceRun on the reference fixture (PyTorch 1.13 tensors, DuckDB Parquet)', async () => {
  const run = await readReferenceRun(files);

  it('reads the topics, their documents and gold labels, and the config', () => {
    expect(run.types).toEqual(['original', 'optimized']);
    expect(run.dataset.name).toBe('fixture');
    expect(run.config).toMatchObject({ lr: 0.05, num_steps: 20, optimize_with_gold: true });
    expect(run.dataset.queries.map((q) => q.text)).toEqual([
      'What is the baggage allowance?',
      'How do I get a refund for a cancelled flight?',
      'Renting a car: what do I need?',
    ]);
    expect(run.dataset.documents.length).toBe(30);
    expect(run.dataset.documents[0].text).toBe('document 0 about baggage number 0');
    for (const q of run.dataset.queries) {
      expect(q.candidates.length).toBe(30);
      expect(q.labels.reduce((a, b) => a + b, 0)).toBe(10);
    }
    expect(run.notes).toEqual([]);
  });

  it('reads the scores of each type and recomputes the metrics from them', () => {
    // float32 values of the files' first rows
    expect(run.scores.original[0][0]).toBe(Math.fround(-0.41874104738235474));
    expect(run.scores.optimized[0][0]).toBe(Math.fround(-0.2993409335613251));
    // scikit-learn on the same scores: average_precision_score 0.4066521231681078, roc_auc_score 0.52
    expect(run.metrics.original[0].map).toBeCloseTo(0.4066521231681078, 12);
    expect(run.metrics.original[0].roc_auc).toBeCloseTo(0.52, 12);
    const summary = summarize({ ...run, timings: {} }, 'fixture', 42);
    expect(summary.types.optimized!.mean.map).toBeGreaterThan(summary.types.original!.mean.map);
  });

  it("maps the reference's arguments onto this project's configuration", () => {
    expect(projectConfigOfReference(run.config!)).toEqual({
      dataset: 'fixture',
      embedding_model: 'random-16d',
      teacher: 'gold',
      hyde_model: null,
      // No computation_types recorded: the reference's default, all; without a HyDE model, only optimized.
      computation_types: ['original', 'optimized'],
      lr: 0.05,
      num_steps: 20,
      total_scores: 10,
      scores_from_top: 5,
      random_seed: 42,
      refit: false,
      query_template: null,
      document_template: null,
    });
    expect(
      projectConfigOfReference({
        optimize_with_gold: false,
        reranker_model: 'cross-encoder/ms-marco-MiniLM-L-6-v2',
      }).teacher,
    ).toBe('cross-encoder:cross-encoder/ms-marco-MiniLM-L-6-v2');
    // The reference's KPM is this project's ArgKP21, both ways; the other datasets share their names.
    expect(projectConfigOfReference({ dataset: 'KPM' }).dataset).toBe('ArgKP21');
    expect(projectConfigOfReference({ dataset: 'NFCorpus' }).dataset).toBe('NFCorpus');
    expect(referenceArgsOf({ dataset: 'ArgKP21' }).dataset).toBe('KPM');
    expect(referenceArgsOf({ dataset: 'Clinc150' }).dataset).toBe('Clinc150');
    expect(projectConfigOfReference({ reranker_model: 'OpenAI/gpt-4o-mini', hyde_model: 'x' })).toMatchObject(
      {
        teacher: 'llm:OpenAI/gpt-4o-mini',
        computation_types: ['original', 'optimized', 'hyde', 'optimized_hyde'],
      },
    );
  });

  it("reads the gold teacher's scores: the top 5 by similarity plus 5 drawn, scored with their labels", () => {
    run.dataset.queries.forEach((q, i) => {
      const sampled = Array.from(run.sampled[i]);
      expect(sampled.length).toBe(10);
      expect(run.teacher[i].scores).toEqual(sampled.map((c) => q.labels[c]));
      const top5 = Array.from(rankByScore(run.scores.original[i]).slice(0, 5));
      expect(sampled).toEqual(expect.arrayContaining(top5));
    });
  });

  it("scored exactly the documents this project's sampleForTeacher draws (the reference's real draw)", () => {
    // The fixture's teacher scores came from the reference's own random.Random(42).sample(range(5, 30), 5)
    // over its torch.argsort ranking; the same candidates follow from the similarities read back here.
    const params = {
      totalScores: Number(run.config!.total_scores),
      scoresFromTop: Number(run.config!.scores_from_top),
      seed: Number(run.config!.random_seed),
    };
    expect(params).toEqual({ totalScores: 10, scoresFromTop: 5, seed: 42 });
    run.dataset.queries.forEach((_, i) => {
      const drawn = Array.from(sampleForTeacher(run.scores.original[i], params)).sort((a, b) => a - b);
      expect(Array.from(run.sampled[i]), `topic ${i}`).toEqual(drawn);
    });
  });

  it('reads the trajectories from query_updates.pt (values as torch.load gives them)', () => {
    const t = run.trajectories!;
    expect(t.steps).toEqual(Array.from({ length: 21 }, (_, s) => s));
    expect([t.lossPerStep.rows, t.lossPerStep.cols]).toEqual([3, 20]);
    expect([t.snapshots.rows, t.snapshots.cols]).toEqual([63, 16]);
    // torch.load(...)['loss_per_step'][0], [19]; ['query_updates'][0, :3], [20, 15]
    expect(row(t.lossPerStep, 0)[0]).toBe(0.11498770117759705);
    expect(row(t.lossPerStep, 0)[19]).toBe(0.041300252079963684);
    expect(Array.from(row(t.snapshots, 0).slice(0, 3))).toEqual([
      0.4709038734436035, 0.08618785440921783, 0.9671948552131653,
    ]);
    expect(row(t.snapshots, 20 * 3 + 0)[15]).toBe(1.2619752883911133);
    expect(row(t.lossPerStep, 1)[0]).toBe(0.10470711439847946);
    expect(row(t.snapshots, 0 * 3 + 1)[0]).toBe(-0.6614256501197815);
    expect(row(t.snapshots, 20 * 3 + 2)[15]).toBe(-1.0754189491271973);
  });

  it('says what is missing: no embeddings file, or a topic without its tensors', async () => {
    await expect(readReferenceRun(memoryFiles('empty', {}))).rejects.toThrow(
      /no embeddings_raw_scores\.parquet/,
    );
    const partial = await readReferenceRun(
      memoryFiles('partial', {
        'embeddings_raw_scores.parquet': new Uint8Array(
          readFileSync(path.join(REFERENCE_RUN_DIR, REFERENCE_RUN_FILES[1])),
        ),
        [REFERENCE_RUN_FILES[3]]: new Uint8Array(
          readFileSync(path.join(REFERENCE_RUN_DIR, REFERENCE_RUN_FILES[3])),
        ),
      }),
    );
    expect(partial.types).toEqual(['original']);
    expect(partial.trajectories).toBeUndefined();
    expect(partial.notes[0]).toMatch(
      /topic "How do I get a refund for a cancelled flight\?" has no query_updates\.pt/,
    );
  });
});
