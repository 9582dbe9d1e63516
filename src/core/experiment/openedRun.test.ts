import { beforeAll, describe, expect, it } from 'vitest';
import { memoryFiles } from '../datasets/memoryFiles';
import { row } from '../matrix';
import { DEFAULT_METHOD } from './config';
import { readRunFolder, OpenedRunSession } from './openedRun';
import { summarize } from './outputs';
import { queryViewOf } from './session';
import { pcaPath } from './pathMap';
import type { ExperimentResult } from './pipeline';
import { concatChunks } from './streamedContent';
import { runDemoExperiment } from '../../testing/demoRun';
import { referenceRunInMemory } from '../../testing/sharedFolder';
import { rankTrajectoryView, sessionTeachingSource, teacherStudentView } from './queryTeaching';
import { experimentFiles, type RunFile, type RunFilesOptions } from './runFiles';
import { RefinementSession } from './session';

let result: ExperimentResult;
const method = { ...DEFAULT_METHOD, numSteps: 20, recordEvery: 1 };

beforeAll(async () => {
  result = await runDemoExperiment(method, 32);
});

/** The run's folder as the CLI writes it, held in memory (the browser's way in). */
async function folderOf(options: Partial<RunFilesOptions>, drop: RegExp = /^$/) {
  const config = {
    experiment_name: 'demo-run',
    dataset: 'demo',
    random_seed: 42,
    teacher: 'gold',
    num_steps: 20,
    refit: false,
  };
  const files: RunFile[] = experimentFiles(result, {
    config,
    summary: summarize(result, 'demo-run', 42),
    ...options,
  });
  const contents: Record<string, Uint8Array | string> = {};
  for (const f of files) {
    if (drop.test(f.path)) continue;
    contents[f.path] = await contentOf(f.content);
  }
  return memoryFiles('demo-run', contents);
}

/** A file's bytes, whether its content is given whole or in (text or byte) chunks. */
async function contentOf(content: RunFile['content']): Promise<Uint8Array> {
  if ('bytes' in content) return content.bytes();
  const chunks = content.chunks() as Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;
  async function* asBytes() {
    for await (const part of chunks) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
  }
  return concatChunks(asBytes());
}

const settings = { budget: 2000, seed: 42 };

describe('readRunFolder, project layout', () => {
  it('reads back every query, type, metric, sample and trajectory the run wrote', async () => {
    const run = await readRunFolder(await folderOf({ trajectories: true, embeddings: true }), 'folder');
    expect(run.layout).toBe('project');
    expect(run.name).toBe('demo-run');
    expect(run.result.types).toEqual(result.types);
    expect(run.result.dataset.queries.map((q) => [q.id, q.text])).toEqual(
      result.dataset.queries.map((q) => [q.id, q.text]),
    );
    for (const type of result.types)
      result.dataset.queries.forEach((q, i) => {
        expect(run.result.scores[type][i]).toEqual(result.scores[type][i]);
        // The metrics are the results table's, which prints doubles exactly.
        expect(run.result.metrics[type][i]).toEqual(result.metrics[type][i]);
      });
    expect(run.result.sampled).toEqual(result.sampled);
    expect(run.result.teacher.map((t) => t.scores)).toEqual(result.teacher.map((t) => t.scores));
    expect(run.result.trajectories!.steps).toEqual(result.trajectories!.steps);
    expect(run.result.trajectories!.snapshots.data).toEqual(result.trajectories!.snapshots.data);
    expect(run.result.trajectories!.lossPerStep.data).toEqual(result.trajectories!.lossPerStep.data);
    expect(run.docEmbeddings!.data).toEqual(result.docEmbeddings.data);
    expect(run.queryEmbeddings!.data).toEqual(result.queryEmbeddings.data);
    expect(run.summary.types.optimized!.mean.map).toBe(summarize(result, 'x', 42).types.optimized!.mean.map);
    expect(run.notes).toEqual([]);

    const session = new OpenedRunSession(run, settings);
    const view = session.view(0, 20);
    expect(view.metricsAfter).toEqual(result.metrics.optimized[0]);
    expect(view.lossPerStep).toEqual(Array.from(row(result.trajectories!.lossPerStep, 0)));
  });

  it('recomputes what a folder lacks: the results tables and summary; reads the CSV without Parquet', async () => {
    const files = await folderOf({ parquet: false }, /_results\.csv$|^summary\.json$/);
    const run = await readRunFolder(files, 'bare');
    expect(run.name).toBe('demo-run');
    result.dataset.queries.forEach((_, i) =>
      expect(run.result.metrics.optimized[i].map).toBeCloseTo(result.metrics.optimized[i].map, 6),
    );
    expect(run.summary.types.optimized!.vs_original!.map.mean_delta).toBeCloseTo(
      summarize(result, 'x', 42).types.optimized!.vs_original!.map.mean_delta,
      6,
    );
    expect(run.result.trajectories).toBeUndefined();
    expect(run.notes.some((n) => /optimized_results\.csv is missing/.test(n))).toBe(true);
  });

  it('maps a query without embeddings from its own path, never an empty map', async () => {
    const run = await readRunFolder(await folderOf({ trajectories: true }), 'folder');
    const map = await new OpenedRunSession(run, settings).project(0);
    expect(map.note).toMatch(/PCA of the query.s trajectory/);
    expect(map.trajectory.length).toBe(2 * result.trajectories!.steps.length);
    expect(map.candidates.length).toBeGreaterThanOrEqual(result.sampled[0].length);
    expect([...map.coords].every(Number.isFinite)).toBe(true);
    // The path runs left to right.
    expect(map.trajectory[map.trajectory.length - 2]).toBeGreaterThan(map.trajectory[0]);
    const bare = await readRunFolder(await folderOf({}), 'bare');
    const scatter = await new OpenedRunSession(bare, settings).project(0);
    expect(scatter.note).toMatch(/neither document embeddings nor trajectories/);
    expect(scatter.coords[0]).toBe(result.scores.original[0][scatter.candidates[0]]);
  });

  it('says what a folder that is not a run is', async () => {
    await expect(readRunFolder(memoryFiles('x', { 'notes.txt': 'hi' }), 'holiday')).rejects.toThrow(
      /"holiday" is not a run folder: expected config\.json/,
    );
    const corrupt = memoryFiles('x', {
      'config.json': '{}',
      'original_raw_scores.parquet': new Uint8Array([1, 2, 3]),
    });
    await expect(readRunFolder(corrupt, 'x')).rejects.toThrow(
      /original_raw_scores\.parquet is not a readable Parquet/,
    );
  });
});

describe('the teaching views of an opened run', () => {
  it('with embeddings and trajectories: every step, as in the live session', async () => {
    const run = await readRunFolder(await folderOf({ trajectories: true, embeddings: true }), 'folder');
    const opened = new OpenedRunSession(run, settings);
    const live = sessionTeachingSource(new RefinementSession(result, method));
    const shown = teacherStudentView(opened.teachingSource(), 3);
    const expected = teacherStudentView(live, 3);
    expect(shown.note).toBeUndefined();
    expect(shown.steps).toEqual(result.trajectories!.steps);
    expect(shown.p).toEqual(expected.p);
    expect(shown.perStep).toEqual(expected.perStep);
    const ranks = await rankTrajectoryView(opened.teachingSource(), 3);
    expect(ranks.ranks).toEqual((await rankTrajectoryView(live, 3)).ranks);
    opened.dispose();
  });

  it('without document embeddings: the first and last step, from the raw scores', async () => {
    const run = await readRunFolder(await folderOf({ trajectories: true }), 'folder');
    const source = new OpenedRunSession(run, settings).teachingSource();
    const shown = teacherStudentView(source, 3);
    expect(shown.steps).toEqual([0, 20]);
    expect(shown.note).toMatch(/no document embeddings.*step 0 and step 20/);
    // Step 0's cosines are the original raw scores; the last step's the refined query's, within float32.
    const full = teacherStudentView(sessionTeachingSource(new RefinementSession(result, method)), 3);
    expect(shown.p).toEqual(full.p);
    shown.documents.forEach((d, k) => {
      expect(shown.perStep[0].cosines[k]).toBe(result.scores.original[3][d.candidate]);
      expect(shown.perStep[1].cosines[k]).toBe(result.scores.optimized[3][d.candidate]);
      expect(shown.perStep[1].r[k]).toBeCloseTo(full.perStep.at(-1)!.r[k], 6);
    });
    const ranks = await rankTrajectoryView(source, 3);
    const view = queryViewOf(run.result, 3, Infinity, false);
    const byCandidate = new Map(view.documents.map((d) => [d.candidate, d]));
    expect(ranks.steps).toEqual([0, 20]);
    ranks.documents.forEach((d, t) => {
      expect(ranks.ranks[0][t]).toBe(byCandidate.get(d.candidate)!.rankBefore);
      expect(ranks.ranks[1][t]).toBe(byCandidate.get(d.candidate)!.rankAfter);
    });
  });

  it('without trajectories: the teacher sample of the raw scores, before and after', async () => {
    const run = await readRunFolder(await folderOf({}), 'bare');
    const shown = teacherStudentView(new OpenedRunSession(run, settings).teachingSource(), 0);
    expect(shown.steps).toEqual([0, 20]);
    expect(shown.note).toMatch(/no trajectories/);
    expect(shown.perStep).toHaveLength(2);
    expect(shown.documents.length).toBe(result.sampled[0].length);
  });
});

describe('readRunFolder, reference layout', () => {
  it('opens the reference fixture with its summary computed and maps from the path', async () => {
    const run = await readRunFolder(referenceRunInMemory(), 'reference-run');
    expect(run.layout).toBe('reference');
    expect(run.config).toMatchObject({ dataset: 'fixture', lr: 0.05, teacher: 'gold' });
    expect(run.summary.queries).toBe(3);
    expect(run.summary.types.optimized!.vs_original).toBeDefined();
    const map = await new OpenedRunSession(run, settings).project(1);
    expect(map.trajectory.length).toBe(2 * 21);
    expect(map.note).toMatch(/PCA/);
  });
});

describe('pcaPath', () => {
  it('lays a straight path along x, start to end left to right', () => {
    const points = { rows: 3, cols: 2, data: Float32Array.of(0, 0, 0, -1, 0, -2) };
    const xy = pcaPath(points);
    expect(xy[4] - xy[0]).toBeCloseTo(2, 5);
    expect(Math.abs(xy[1]) + Math.abs(xy[3]) + Math.abs(xy[5])).toBeLessThan(1e-5);
  });
});
