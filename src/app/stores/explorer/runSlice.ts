import { getDatasetParser } from '../../../core/datasets/registry';
import { clearestGain } from '../../../core/experiment/clearestGain';
import type { DatasetSource } from '../../data/datasetSource';
import { rerunUnavailable, runSettingsOf } from '../../runs/rerunSettings';
import { runSourceLabel } from '../../runs/runSource';
import { serializeViewState, type ViewState } from '../../url/urlState';
import { runSpecOfView } from '../../url/viewRunSpec';
import { CancelledError } from '../../workers/rpc';
import { engineClient, inFlight, messageOf, newRunId } from './engine';
import type { LocalDataset, RunSlice, Slice } from './types';
import { LOCAL_PREFIX } from './viewSlice';

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

/** What a run (or an opened one) starts with: running, and the previous query's views gone. */
const RUNNING = {
  status: 'running',
  error: undefined,
  progress: undefined,
  queryStatus: 'idle',
  projectionStatus: 'idle',
} as const;

/** Cancels the run and the query call in flight; the new run's controller. */
function startRun(): AbortController {
  inFlight.run?.abort();
  inFlight.query?.abort();
  return (inFlight.run = new AbortController());
}

/** The run in the worker (run here, or opened from its files) and the selected query's views. */
export const runSlice: Slice<RunSlice> = (set, get) => {
  /** Sets up the view's backend in the worker, unless it already is. */
  async function ensureBackend(view: ViewState): Promise<void> {
    if (inFlight.initialisedBackend === view.backend) return;
    set({ backend: await engineClient().call('init', view.backend) });
    inFlight.initialisedBackend = view.backend;
  }

  return {
    status: 'idle',
    queryStatus: 'idle',
    projectionStatus: 'idle',

    async loadQuery() {
      const { experiment, view } = get();
      if (!experiment) return;
      const index = Math.max(
        0,
        experiment.queries.findIndex((q) => q.id === view.query),
      );
      inFlight.query?.abort();
      const controller = (inFlight.query = new AbortController());
      const client = engineClient();
      set({
        queryStatus: 'running',
        queryError: undefined,
        projectionStatus: 'running',
        projectionError: undefined,
      });
      try {
        const query = await client.call(
          'queryView',
          { index, topK: view.topK },
          { signal: controller.signal },
        );
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
    },

    async run() {
      const { view } = get();
      if (view.run) return get().openRun({ kind: 'server', name: view.run, origin: location.origin });
      const controller = startRun();
      set(RUNNING);
      try {
        const client = engineClient();
        await get().discoverServerData();
        if (inFlight.configuredHost !== view.modelHost) {
          await client.call('configureModels', {
            remoteHost: view.modelHost === 'server' ? '/hf/' : 'https://huggingface.co/',
          });
          inFlight.configuredHost = view.modelHost;
        }
        await ensureBackend(view);
        const source = sourceOf(view, get().localDataset, get().serverDatasets);
        const experiment = await client.call(
          'runExperiment',
          {
            source,
            // Every step recorded: the explorer plays the whole trajectory.
            spec: runSpecOfView({ ...view, method: { ...view.method, recordEvery: 1 } }, source),
            // Where transformers.js models run; their dtype and pooling are the spec's.
            embedding: { device: view.embeddingDevice },
            origin: location.origin,
          },
          { signal: controller.signal, onProgress: (progress) => set({ progress }) },
        );
        if (controller.signal.aborted) return;
        const currentRunId = newRunId();
        const compared = inFlight.rerunOf;
        inFlight.rerunOf = undefined;
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
        void get().saveRun(currentRunId, runSpecOfView(view), get().backend?.name ?? '', experiment);
        // A re-run of an opened or kept run: show the two side by side (the run history compares them).
        if (compared) get().update({ tab: 'experiment' }, { replace: true });
        // Keep the selected query when it exists in this dataset; otherwise open the clearest gain.
        const known = experiment.queries.some((q) => q.id === view.query);
        if (!known) get().update({ query: clearestGain(experiment.queries) }, { replace: true });
        else void get().loadQuery();
      } catch (e) {
        if (e instanceof CancelledError) set({ status: 'cancelled' });
        else set({ status: 'error', error: messageOf(e) });
      }
    },

    cancel() {
      inFlight.run?.abort();
    },

    async openRun(source) {
      const controller = startRun();
      const label = runSourceLabel(source);
      // A run from files is not in the URL (a reload asks for them again); a server run is (?run=).
      const { view } = get();
      const run = source.kind === 'server' ? source.name : undefined;
      if (view.run !== run) {
        const next = { ...view, run, query: run ? view.query : undefined };
        history.replaceState(null, '', `${location.pathname}${serializeViewState(next)}`);
        set({ view: next });
      }
      set({ ...RUNNING, opening: label });
      try {
        const client = engineClient();
        // The map of a run with embeddings finds neighbours on the compute backend.
        await ensureBackend(view);
        const response = await client.call(
          'openRun',
          { source, origin: location.origin },
          { signal: controller.signal, onProgress: (progress) => set({ progress }) },
        );
        if (controller.signal.aborted) return;
        const currentRunId = newRunId();
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
        // Dated when the run was made (its config.json's timestamp), not when it was opened.
        const made = response.opened.config.timestamp;
        void get().saveRun(
          currentRunId,
          runSpecOfView(settings),
          `opened: ${response.opened.name}`,
          response,
          typeof made === 'string' && !Number.isNaN(Date.parse(made)) ? made : undefined,
        );
        const wanted = get().view.query;
        const known = response.queries.some((q) => q.id === wanted);
        // As for a live run: the query with the clearest gain unless the link names one.
        if (!known)
          get().update(
            { query: clearestGain(response.queries) ?? response.queries[0]?.id },
            { replace: true },
          );
        else void get().loadQuery();
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
      inFlight.rerunOf = currentRunId;
      // The opened run's whole spec (its teacher's mode, HyDE model and embedding settings too); the
      // backend stays the view's.
      get().update({ ...settings, backend: get().view.backend, run: undefined, query: undefined });
    },

    closeRun() {
      if (!get().openedRun) return;
      // A server run is in the URL (?run=): leaving it re-runs the settings; files are not, so run them.
      if (get().view.run) get().update({ run: undefined, query: undefined });
      else void get().run();
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
      inFlight.query?.abort();
      const controller = (inFlight.query = new AbortController());
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
};
