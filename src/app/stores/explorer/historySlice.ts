import { runHistory } from '../../storage/runHistory';
import { engineClient, messageOf } from './engine';
import type { HistorySlice, Slice } from './types';

/** Runs kept in the browser (IndexedDB), the current run's zip and its latency report. */
export const historySlice: Slice<HistorySlice> = (set, get) => ({
  history: [],
  exportStatus: 'idle',
  latencyStatus: 'idle',

  async saveRun(id, view, backend, experiment) {
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
