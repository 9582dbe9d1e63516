import { savedRunUnavailable } from '../../runs/rerunSettings';
import { runHistory } from '../../storage/runHistory';
import { sameRun } from '../../url/urlState';
import { viewRunOf } from '../../url/viewRunSpec';
import { engineClient, inFlight, messageOf } from './engine';
import type { HistorySlice, Slice } from './types';

/** Runs kept in the browser (IndexedDB), the current run's zip and its latency report. */
export const historySlice: Slice<HistorySlice> = (set, get) => ({
  history: [],
  exportStatus: 'idle',
  latencyStatus: 'idle',

  async saveRun(id, spec, backend, experiment, createdAt) {
    try {
      await runHistory.save({
        id,
        createdAt: createdAt ?? new Date().toISOString(),
        spec,
        backend,
        summary: experiment.summary,
        queries: experiment.queries,
      });
      await get().refreshHistory();
    } catch (e) {
      set({ historyError: `this run was not saved in the browser: ${messageOf(e)}` });
    }
  },

  rerunSaved(id) {
    const saved = get().history.find((r) => r.id === id);
    if (!saved) return;
    const settings = viewRunOf(saved.spec);
    const reason = savedRunUnavailable(saved.spec, get().serverDatasets);
    if (reason) return set({ historyError: `cannot re-run this run here: ${reason}` });
    inFlight.rerunOf = id;
    const before = get().view;
    get().update({ ...settings, run: undefined, query: undefined });
    // The view's own settings already: update starts no run, so run them here.
    if (sameRun(before, get().view)) void get().run();
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
});
