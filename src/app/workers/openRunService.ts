import type { RunConfig } from '../../core/experiment/runRecord';
import { readRunFolder, OpenedRunSession } from '../../core/experiment/openedRun';
import type { ProjectionSettings } from '../../core/experiment/queryProjection';
import { fillDocumentTexts } from '../runs/runDocumentTexts';
import { runDataFiles, runSourceLabel, type RunSource } from '../runs/runSource';
import type { ExperimentResponse } from './engineApi';
import type { CallContext } from './rpc';

/** What the app shows about a run opened from its files (beside the usual run response). */
export interface OpenedRunInfo {
  name: string;
  layout: 'project' | 'reference';
  /** Where it was opened from: a server run's name makes the link `?run=<name>`. */
  source: RunSource['kind'];
  serverName?: string;
  /** The run's settings (config.json keys; a reference run's arguments mapped onto them). */
  config: RunConfig;
  /** What the files lack, one sentence each (no embeddings, no trajectories, ...). */
  notes: string[];
  /** Milliseconds from the first file read to the response. */
  openMs: number;
}

export interface OpenedRunResponse extends ExperimentResponse {
  opened: OpenedRunInfo;
}

/**
 * Reads a run's files in the worker and makes the explorer's read-only session of it; `origin` is the app
 * server's, whose data folder may hold the run's dataset (for its document texts).
 */
export async function openRunSession(
  source: RunSource,
  origin: string,
  projection: ProjectionSettings,
  context: CallContext,
): Promise<{ session: OpenedRunSession; response: OpenedRunResponse }> {
  const start = performance.now();
  const files = await runDataFiles(source);
  const run = await readRunFolder(files, runSourceLabel(source), {
    signal: context.signal,
    onProgress: context.onProgress,
  });
  const { result, config } = run;
  const notes = [...run.notes];
  if (!result.scores.optimized)
    notes.push('this run has no optimized type: "after" shows the original ranking');
  if (!result.trajectories)
    notes.push('this run saved no trajectories (--save-tensors): no loss curve and no path steps');
  if (!run.docEmbeddings)
    notes.push(
      'this run saved no embeddings (--save-embeddings): the map is drawn from the query\u2019s own path',
    );
  if (run.layout === 'project') {
    const texts = await fillDocumentTexts(result.dataset, config, origin, {
      signal: context.signal,
      onProgress: context.onProgress,
    });
    if (texts) notes.push(texts);
  }
  const verbalized = String(config.teacher ?? '').startsWith('llm:') && config.teacher_mode === 'verbalized';
  const session = new OpenedRunSession(run, projection);
  const response: OpenedRunResponse = {
    summary: run.summary,
    teacherThreshold: verbalized ? 50 : 0.5,
    embeddingDims:
      run.docEmbeddings?.cols ?? result.trajectories?.snapshots.cols ?? Number(config.embedding_dims ?? 0),
    embeddingNotes: [],
    queries: result.dataset.queries.map((q, i) => ({
      id: q.id,
      text: q.text,
      metrics: Object.fromEntries(result.types.map((t) => [t, result.metrics[t][i]])),
    })),
    opened: {
      name: run.name,
      layout: run.layout,
      source: source.kind,
      serverName: source.kind === 'server' ? source.name : undefined,
      config,
      notes,
      openMs: Math.round(performance.now() - start),
    },
  };
  return { session, response };
}
