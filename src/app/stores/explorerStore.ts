import { create } from 'zustand';
import type { BackendInfo } from '../../core/compute/backend';
import type { QueryView } from '../../core/experiment/session';
import type { ProgressEvent } from '../../core/progress';
import { DEFAULT_VIEW, parseViewState, sameRun, serializeViewState, type ViewState } from '../url/urlState';
import type { ExperimentResponse } from '../workers/engineApi';
import type { QueryProjection } from '../../core/experiment/queryProjection';
import type { LatencyReport } from '../../core/experiment/latency';
import type { DatasetSpec } from '../../core/datasets/datasetSpec';
import { getDatasetParser } from '../../core/datasets/registry';
import { clearestGain } from '../../core/experiment/clearestGain';
import { serverDatasets, type DatasetSource } from '../data/datasetSource';
import { listServerDataFolders } from '../data/httpDataFiles';
import { runHistory, type SavedRun } from '../storage/runHistory';
import { CancelledError } from '../workers/rpc';
import { startEngine, type EngineClient } from '../workers/engineClient';
import type { OpenedRunInfo } from '../workers/openRunService';
import { runSourceLabel, type RunSource } from '../runs/runSource';
import { listServerRuns, type ServerRun } from '../runs/serverRuns';
import { rerunUnavailable, runSettingsOf } from '../runs/rerunSettings';

type Status = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

/** Files the user dropped or picked, parsed in the worker; not in the URL (a reload asks for them again). */
export interface LocalDataset {
  label: string;
  spec: DatasetSpec;
  files: Record<string, Uint8Array>;
}

interface ExplorerState {
  view: ViewState;
  /** Registered datasets the server's data folder holds; null when no server data folder answers. */
  serverDatasets: string[] | null;
  localDataset?: LocalDataset;
  backend?: BackendInfo;
  /** The whole-dataset run. */
  status: Status;
  progress?: ProgressEvent;
  error?: string;
  experiment?: ExperimentResponse;
  /** The selected query's refinement (`refinement-status` in the automation surface). */
  queryStatus: Status;
  queryError?: string;
  query?: QueryView;
  /** Finished runs kept in the browser (IndexedDB), newest first. */
  history: SavedRun[];
  historyError?: string;
  /** The id under which the current run was saved. */
  currentRunId?: string;
  projectionStatus: Status;
  projectionProgress?: ProgressEvent;
  projectionError?: string;
  projection?: QueryProjection;
  /** Index into the query's recorded steps shown on the map. */
  step: number;
  playing: boolean;

  /** Applies a change of view state: pushes it to the URL and re-runs only what it needs. */
  update(patch: Partial<ViewState>, options?: { replace?: boolean }): void;
  /** Reads the URL (first load, back/forward) and re-runs what is needed. */
  syncFromUrl(): void;
  /** Asks the server which datasets its data folder holds. */
  discoverServerData(): Promise<void>;
  /** Opens files the user dropped or picked as the dataset. */
  openLocalDataset(local: LocalDataset): void;
  run(): Promise<void>;
  cancel(): void;
  selectQuery(id: string): void;
  setStep(step: number): void;
  setPlaying(playing: boolean): void;
  /** Progress and errors of the zip export of the current run. */
  exportStatus: Status;
  exportProgress?: ProgressEvent;
  exportError?: string;
  /** Builds the current run's zip in the worker and hands it to the browser as a download. */
  exportRun(): Promise<void>;
  latencyStatus: Status;
  latencyProgress?: ProgressEvent;
  latencyError?: string;
  latency?: LatencyReport;
  /** Times query embedding, teacher, refinement and re-scoring one query at a time (latency report). */
  measureLatency(): Promise<void>;
  refreshHistory(): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** What-if: the teacher's score of sampled document k becomes `score` (null: restore all). */
  editTeacherScore(k: number | null, score?: number): Promise<void>;
  /** The finished run shown, when it was opened from its files (read-only) instead of run here. */
  openedRun?: OpenedRunInfo;
  /** The run being opened (its name), while `status` is running. */
  opening?: string;
  /** The server's finished runs (`GET /api/runs`); null until asked. */
  serverRuns: ServerRun[] | null;
  listServerRuns(): Promise<void>;
  /** Opens a finished run's files in the worker (progress and cancel as a run's). */
  openRun(source: RunSource): Promise<void>;
  /** Runs the opened run's settings in this browser, then compares the two runs side by side. */
  rerunInBrowser(): void;
  /** Two history runs the run history compares side by side (after "Re-run in the browser"). */
  compareRunIds?: [string, string];
}

let engine: EngineClient | undefined;
let runController: AbortController | undefined;
let queryController: AbortController | undefined;
let initialisedBackend: string | undefined;
let configuredHost: string | undefined = 'hub';
/** The history id of the opened run whose settings are being re-run here, to compare the two after. */
let rerunOf: string | undefined;
/** The one question to the server about its data folder (the first run waits for the answer). */
let serverDiscovery: Promise<void> | undefined;

/** The engine worker, started on first use and shared by the app and the automation surface. */
export function engineClient(): EngineClient {
  engine ??= startEngine();
  return engine;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** View-state dataset names of dropped files start with this. */
export const LOCAL_PREFIX = 'local:';

/**
 * Where the dataset named in the view state comes from: built in, the user's files, the server's data
 * folder, or its public source (always when a mirror is set, and when the server does not have it).
 */
function sourceOf(view: ViewState, local: LocalDataset | undefined, server: string[] | null): DatasetSource {
  const name = view.dataset;
  if (name.startsWith(LOCAL_PREFIX)) {
    if (!local || `${LOCAL_PREFIX}${local.label}` !== name)
      throw new Error(
        `the files of "${name.slice(LOCAL_PREFIX.length)}" are not loaded (after a reload): drop or pick them again`,
      );
    return { kind: 'files', label: local.label, spec: local.spec, files: local.files };
  }
  const parser = getDatasetParser(name);
  if (parser.requiredFiles.length === 0) return { kind: 'builtin', name };
  if (!view.mirror && server?.includes(parser.name)) return { kind: 'server', name, origin: location.origin };
  return { kind: 'remote', name, mirror: view.mirror || undefined };
}

export const useExplorer = create<ExplorerState>((set, get) => {
  /** Loads the selected query's view and projection; stale answers (a newer selection) are dropped. */
  async function loadQuery(): Promise<void> {
    const { experiment, view } = get();
    if (!experiment) return;
    const index = Math.max(
      0,
      experiment.queries.findIndex((q) => q.id === view.query),
    );
    queryController?.abort();
    const controller = (queryController = new AbortController());
    const client = engineClient();
    set({
      queryStatus: 'running',
      queryError: undefined,
      projectionStatus: 'running',
      projectionError: undefined,
    });
    try {
      const query = await client.call('queryView', { index, topK: view.topK }, { signal: controller.signal });
      if (controller.signal.aborted) return;
      set({ query, queryStatus: 'done', step: query.steps.length - 1, playing: false });
    } catch (e) {
      if (!(e instanceof CancelledError)) set({ queryStatus: 'error', queryError: messageOf(e) });
      return;
    }
    try {
      const projection = await client.call(
        'projectQuery',
        { index },
        { signal: controller.signal, onProgress: (projectionProgress) => set({ projectionProgress }) },
      );
      if (!controller.signal.aborted) set({ projection, projectionStatus: 'done' });
    } catch (e) {
      if (!(e instanceof CancelledError)) set({ projectionStatus: 'error', projectionError: messageOf(e) });
    }
  }

  /** Keeps a finished run in the browser's history; a full or blocked IndexedDB only shows a note. */
  async function saveRun(
    id: string,
    view: ViewState,
    backend: string,
    experiment: ExperimentResponse,
  ): Promise<void> {
    const { dataset, embeddingModel, teacher, teacherNoise, method } = view;
    try {
      await runHistory.save({
        id,
        createdAt: new Date().toISOString(),
        settings: { dataset, embeddingModel, teacher, teacherNoise, backend: view.backend, method },
        backend,
        summary: experiment.summary,
        queries: experiment.queries,
      });
      await get().refreshHistory();
    } catch (e) {
      set({ historyError: `this run was not saved in the browser: ${messageOf(e)}` });
    }
  }

  return {
    view: DEFAULT_VIEW,
    serverDatasets: null,
    serverRuns: null,
    history: [],
    exportStatus: 'idle',
    latencyStatus: 'idle',
    status: 'idle',
    queryStatus: 'idle',
    projectionStatus: 'idle',
    step: 0,
    playing: false,

    update(patch, options = {}) {
      const before = get().view;
      let next = { ...before, ...patch };
      // Changing a setting leaves an opened server run: the new settings run here.
      if (
        next.run &&
        !('run' in patch) &&
        !sameRun({ ...before, run: undefined }, { ...next, run: undefined })
      )
        next = { ...next, run: undefined };
      const url = `${location.pathname}${serializeViewState(next)}`;
      if (options.replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      set({ view: next });
      if (!sameRun(before, next)) void get().run();
      else if (before.query !== next.query || before.topK !== next.topK) void loadQuery();
    },

    syncFromUrl() {
      const before = get().view;
      const next = parseViewState(location.search);
      set({ view: next });
      if (!get().experiment || !sameRun(before, next)) void get().run();
      else if (before.query !== next.query || before.topK !== next.topK) void loadQuery();
    },

    async measureLatency() {
      set({ latencyStatus: 'running', latencyError: undefined, latencyProgress: undefined });
      try {
        const latency = await engineClient().call(
          'measureLatency',
          { queries: 50, warmup: 3 },
          { onProgress: (latencyProgress) => set({ latencyProgress }) },
        );
        set({ latency, latencyStatus: 'done' });
      } catch (e) {
        set({ latencyStatus: 'error', latencyError: messageOf(e) });
      }
    },

    async exportRun() {
      const { experiment } = get();
      if (!experiment) return;
      const name = `${experiment.summary.dataset}_${new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)}`;
      set({ exportStatus: 'running', exportError: undefined, exportProgress: undefined });
      try {
        const zip = await engineClient().call(
          'exportRun',
          { name },
          { onProgress: (exportProgress) => set({ exportProgress }) },
        );
        const url = URL.createObjectURL(
          new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }),
        );
        const link = Object.assign(document.createElement('a'), { href: url, download: `${name}.zip` });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        set({ exportStatus: 'done' });
      } catch (e) {
        set({ exportStatus: 'error', exportError: messageOf(e) });
      }
    },

    async refreshHistory() {
      try {
        set({ history: await runHistory.list(), historyError: undefined });
      } catch (e) {
        set({ historyError: messageOf(e) });
      }
    },

    async deleteRun(id) {
      await runHistory.delete(id).catch((e: unknown) => set({ historyError: messageOf(e) }));
      await get().refreshHistory();
    },

    async discoverServerData() {
      serverDiscovery ??= listServerDataFolders(location.origin).then((folders) =>
        set({ serverDatasets: folders === null ? null : serverDatasets(folders) }),
      );
      await serverDiscovery;
    },

    openLocalDataset(local) {
      set({ localDataset: local });
      get().update({ dataset: `${LOCAL_PREFIX}${local.label}`, query: undefined });
    },

    async run() {
      const { view } = get();
      if (view.run) return get().openRun({ kind: 'server', name: view.run, origin: location.origin });
      runController?.abort();
      queryController?.abort();
      const controller = (runController = new AbortController());
      set({
        status: 'running',
        error: undefined,
        progress: undefined,
        queryStatus: 'idle',
        projectionStatus: 'idle',
      });
      try {
        const client = engineClient();
        await get().discoverServerData();
        if (configuredHost !== view.modelHost) {
          await client.call('configureModels', {
            remoteHost: view.modelHost === 'server' ? '/hf/' : 'https://huggingface.co/',
          });
          configuredHost = view.modelHost;
        }
        if (initialisedBackend !== view.backend) {
          set({ backend: await client.call('init', view.backend) });
          initialisedBackend = view.backend;
        }
        const experiment = await client.call(
          'runExperiment',
          {
            source: sourceOf(view, get().localDataset, get().serverDatasets),
            embeddingModel: view.embeddingModel,
            teacher: view.teacher,
            teacherNoise: view.teacherNoise,
            teacherMode: view.teacherMode,
            embedding: {
              device: view.embeddingDevice,
              dtype: view.embeddingDtype,
              pooling: view.embeddingPooling || undefined,
            },
            hydeModel: view.hydeModel || undefined,
            origin: location.origin,
            method: { ...view.method, recordEvery: 1 },
          },
          { signal: controller.signal, onProgress: (progress) => set({ progress }) },
        );
        if (controller.signal.aborted) return;
        const currentRunId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        const compared = rerunOf;
        rerunOf = undefined;
        set({
          status: 'done',
          openedRun: undefined,
          compareRunIds: compared ? [compared, currentRunId] : get().compareRunIds,
          experiment,
          query: undefined,
          projection: undefined,
          currentRunId,
          latency: undefined,
          latencyStatus: 'idle',
        });
        void saveRun(currentRunId, view, get().backend?.name ?? '', experiment);
        // A re-run of an opened run: show the two side by side (the run history compares them).
        if (compared) get().update({ tab: 'experiment' }, { replace: true });
        // Keep the selected query when it exists in this dataset; otherwise open the clearest gain.
        const known = experiment.queries.some((q) => q.id === view.query);
        if (!known) get().update({ query: clearestGain(experiment.queries) }, { replace: true });
        else void loadQuery();
      } catch (e) {
        if (e instanceof CancelledError) set({ status: 'cancelled' });
        else set({ status: 'error', error: messageOf(e) });
      }
    },

    cancel() {
      runController?.abort();
    },

    async listServerRuns() {
      set({ serverRuns: await listServerRuns(location.origin) });
    },

    async openRun(source) {
      runController?.abort();
      queryController?.abort();
      const controller = (runController = new AbortController());
      const label = runSourceLabel(source);
      // A run from files is not in the URL (a reload asks for them again); a server run is (?run=).
      const { view } = get();
      const run = source.kind === 'server' ? source.name : undefined;
      if (view.run !== run) {
        const next = { ...view, run, query: run ? view.query : undefined };
        history.replaceState(null, '', `${location.pathname}${serializeViewState(next)}`);
        set({ view: next });
      }
      set({
        status: 'running',
        opening: label,
        error: undefined,
        progress: undefined,
        queryStatus: 'idle',
        projectionStatus: 'idle',
      });
      try {
        const client = engineClient();
        // The map of a run with embeddings finds neighbours on the compute backend.
        if (initialisedBackend !== view.backend) {
          set({ backend: await client.call('init', view.backend) });
          initialisedBackend = view.backend;
        }
        const response = await client.call(
          'openRun',
          { source, origin: location.origin },
          { signal: controller.signal, onProgress: (progress) => set({ progress }) },
        );
        if (controller.signal.aborted) return;
        const currentRunId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        set({
          status: 'done',
          opening: undefined,
          experiment: response,
          openedRun: response.opened,
          query: undefined,
          projection: undefined,
          currentRunId,
          latency: undefined,
          latencyStatus: 'idle',
        });
        const settings = runSettingsOf(response.opened.config);
        void saveRun(
          currentRunId,
          { ...get().view, ...settings },
          `opened: ${response.opened.name}`,
          response,
        );
        const wanted = get().view.query;
        const known = response.queries.some((q) => q.id === wanted);
        // As for a live run: the query with the clearest gain unless the link names one.
        if (!known)
          get().update(
            { query: clearestGain(response.queries) ?? response.queries[0]?.id },
            { replace: true },
          );
        else void loadQuery();
      } catch (e) {
        set({ opening: undefined });
        if (e instanceof CancelledError) set({ status: 'cancelled' });
        else set({ status: 'error', error: `cannot open ${label}: ${messageOf(e)}` });
      }
    },

    rerunInBrowser() {
      const { openedRun, currentRunId, serverDatasets } = get();
      if (!openedRun) return;
      const settings = runSettingsOf(openedRun.config);
      const reason = rerunUnavailable(settings, serverDatasets);
      if (reason) return set({ status: 'error', error: `cannot re-run ${openedRun.name} here: ${reason}` });
      rerunOf = currentRunId;
      const { dataset, embeddingModel, teacher, teacherNoise, method } = settings;
      get().update({
        dataset,
        embeddingModel,
        teacher,
        teacherNoise,
        method,
        run: undefined,
        query: undefined,
      });
    },

    selectQuery(id) {
      get().update({ query: id });
    },

    setStep(step) {
      set({ step, playing: false });
    },

    setPlaying(playing) {
      const { query, step } = get();
      // Play from the start when at the end.
      if (playing && query && step >= query.steps.length - 1) set({ step: 0 });
      set({ playing });
    },

    async editTeacherScore(k, score) {
      const { query, experiment, view } = get();
      if (!query || !experiment) return;
      let scores: (number | null)[] | null = null;
      if (k !== null) {
        scores = [];
        for (const d of query.documents) if (d.sampledIndex !== null) scores[d.sampledIndex] = d.teacherScore;
        scores[k] = score ?? null;
      }
      queryController?.abort();
      const controller = (queryController = new AbortController());
      set({ queryStatus: 'running' });
      try {
        const next = await engineClient().call(
          'whatIf',
          { index: query.index, scores, topK: view.topK },
          { signal: controller.signal },
        );
        if (controller.signal.aborted) return;
        const queries = experiment.queries.map((q, i) =>
          i === next.index ? { ...q, metrics: { ...q.metrics, optimized: next.metricsAfter } } : q,
        );
        set({
          query: next,
          queryStatus: 'done',
          experiment: { ...experiment, queries },
          step: next.steps.length - 1,
        });
        const projection = await engineClient().call(
          'projectQuery',
          { index: next.index },
          { signal: controller.signal },
        );
        if (!controller.signal.aborted) set({ projection, projectionStatus: 'done' });
      } catch (e) {
        if (!(e instanceof CancelledError)) set({ queryStatus: 'error', queryError: messageOf(e) });
      }
    },
  };
});
