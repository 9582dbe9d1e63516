import type { DataFiles } from '../datasets/types';
import { matrix, row, type Matrix } from '../matrix';
import { CorpusScorer } from '../refine/rescoring';
import type { LongTaskOptions } from '../progress';
import { summarize, type ExperimentSummary } from './outputs';
import { pathMap } from './pathMap';
import type { TeachingSource } from './queryTeaching';
import { isProjectRun, readProjectRun } from './projectRunReader';
import { QueryProjector, type ProjectionSettings, type QueryProjection } from './queryProjection';
import { projectConfigOfReference, type RunScores } from './referenceLayout';
import { readReferenceRun } from './referenceRun';
import type { RunConfig } from './runRecord';
import { queryViewOf, type QueryView } from './session';

/**
 * A finished run opened from its files, whichever layout wrote them (this project's, or the reference
 * code's), as one in-memory shape: what the explorer shows of a run without recomputing it.
 */
export interface OpenedRun {
  layout: 'project' | 'reference';
  /** The experiment's name (config), else the folder's. */
  name: string;
  /** The run's settings with this project's config.json keys (a reference run's arguments mapped). */
  config: RunConfig;
  /** summary.json, or computed from the metrics when the folder has none (means, deltas, significance). */
  summary: ExperimentSummary;
  result: RunScores;
  docEmbeddings?: Matrix;
  queryEmbeddings?: Matrix;
  notes: string[];
}

/** Reads the run folder in `files` (either layout); a folder that is neither says what a run holds. */
export async function readRunFolder(
  files: DataFiles,
  name: string,
  options: LongTaskOptions = {},
): Promise<OpenedRun> {
  if (await isProjectRun(files)) {
    const run = await readProjectRun(files, options);
    const seed = run.config.random_seed ?? 42;
    return {
      layout: 'project',
      name: run.config.experiment_name ?? name,
      config: run.config,
      summary: run.summary ?? summarize({ ...run.result, timings: {} }, name, seed),
      result: run.result,
      docEmbeddings: run.docEmbeddings,
      queryEmbeddings: run.queryEmbeddings,
      notes: run.notes,
    };
  }
  if (await files.exists('embeddings_raw_scores.parquet')) {
    const run = await readReferenceRun(files, options);
    const config: RunConfig = run.config ? projectConfigOfReference(run.config) : {};
    const experiment = typeof run.config?.experiment_name === 'string' ? run.config.experiment_name : name;
    const summary = (await files.exists('summary.json'))
      ? (JSON.parse(await files.readText('summary.json')) as ExperimentSummary)
      : summarize({ ...run, timings: {} }, experiment, config.random_seed ?? 42);
    return { layout: 'reference', name: experiment, config, summary, result: run, notes: run.notes };
  }
  throw new Error(
    `"${name}" is not a run folder: expected config.json and original_raw_scores.parquet (this project's ` +
      'layout, what npm run experiment writes and the app exports) or embeddings_raw_scores.parquet (the ' +
      "reference code's layout)",
  );
}

/**
 * The explorer's side of an opened run: query views and maps, read-only. With document embeddings the map
 * is the same UMAP as a live run's; without, the map of the query's own path (`pathMap`).
 */
export class OpenedRunSession {
  private readonly projector?: QueryProjector;
  /** The corpus on the compute backend, made when the teaching views first re-score a trajectory. */
  private scorer?: CorpusScorer;

  constructor(
    readonly run: OpenedRun,
    settings: ProjectionSettings,
  ) {
    const docEmbeddings = run.docEmbeddings;
    // The UMAP places the query's path by its neighbours: it needs the query's vectors too.
    if (docEmbeddings && (run.result.trajectories || run.queryEmbeddings))
      this.projector = new QueryProjector(
        { result: { ...run.result, docEmbeddings }, trajectory: (i) => this.trajectory(i)! },
        settings,
      );
  }

  view(index: number, topK: number): QueryView {
    return queryViewOf(this.run.result, index, topK, false);
  }

  /** The query at every recorded step; without trajectories, the original query alone when saved. */
  trajectory(index: number): Matrix | undefined {
    const { result, queryEmbeddings } = this.run;
    const t = result.trajectories;
    if (t) {
      const Q = result.dataset.queries.length;
      const d = t.snapshots.cols;
      const out = matrix(t.steps.length, d);
      t.steps.forEach((_, s) => out.data.set(row(t.snapshots, s * Q + index), s * d));
      return out;
    }
    return queryEmbeddings && matrix(1, queryEmbeddings.cols, row(queryEmbeddings, index).slice());
  }

  /**
   * What the teaching views are computed from: with document embeddings and trajectories, every step as in
   * a live session; otherwise the teacher's scores and the raw scores before and after refinement.
   */
  teachingSource(): TeachingSource {
    const { result, docEmbeddings, config } = this.run;
    return {
      result,
      refit: config.refit === true,
      numSteps: Number(config.num_steps ?? result.trajectories?.steps.at(-1) ?? 0),
      embedded:
        docEmbeddings && result.trajectories
          ? {
              docEmbeddings,
              trajectory: (index) => this.trajectory(index)!,
              scoreAll: (queries) => (this.scorer ??= new CorpusScorer(docEmbeddings)).scoreAll(queries),
            }
          : undefined,
    };
  }

  /** Frees the corpus held on the compute backend. */
  dispose(): void {
    this.scorer?.dispose();
    this.scorer = undefined;
  }

  async project(index: number, options: LongTaskOptions = {}): Promise<QueryProjection> {
    if (!this.projector) return pathMap(this.run.result, index, this.trajectory(index));
    const map = await this.projector.project(index, options);
    if (this.run.result.trajectories) return map;
    return {
      ...map,
      note: 'This run saved no trajectories (--save-tensors): the map shows the original query only.',
    };
  }
}
