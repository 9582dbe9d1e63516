import { DEFAULT_VIEW, parseViewState, sameRun, serializeViewState } from '../../url/urlState';
import type { Slice, ViewSlice } from './types';

/** View-state dataset names of dropped files start with this. */
export const LOCAL_PREFIX = 'local:';

/** The view state and the URL: a change re-runs only what it needs. */
export const viewSlice: Slice<ViewSlice> = (set, get) => ({
  view: DEFAULT_VIEW,
  linkProblems: [],
  step: 0,
  playing: false,

  update(patch, options = {}) {
    const before = get().view;
    let next = { ...before, ...patch };
    // Changing a setting leaves an opened server run: the new settings run here.
    if (next.run && !('run' in patch) && !sameRun({ ...before, run: undefined }, { ...next, run: undefined }))
      next = { ...next, run: undefined };
    const url = `${location.pathname}${serializeViewState(next)}`;
    if (options.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    const newRun = !sameRun(before, next);
    // The link's refused values say nothing about a run of other settings.
    set(newRun ? { view: next, linkProblems: [] } : { view: next });
    if (newRun) void get().run();
    else if (before.query !== next.query || before.topK !== next.topK) void get().loadQuery();
  },

  syncFromUrl() {
    const before = get().view;
    const linkProblems: string[] = [];
    const next = parseViewState(location.search, (problem) => linkProblems.push(problem));
    set({ view: next, linkProblems });
    if (!get().experiment || !sameRun(before, next)) void get().run();
    else if (before.query !== next.query || before.topK !== next.topK) void get().loadQuery();
  },

  openLocalDataset(local) {
    set({ localDataset: local });
    get().update({ dataset: `${LOCAL_PREFIX}${local.label}`, query: undefined });
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
});
