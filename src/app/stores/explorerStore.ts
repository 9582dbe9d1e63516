import { create } from 'zustand';
import { historySlice } from './explorer/historySlice';
import { runSlice } from './explorer/runSlice';
import { serverSlice } from './explorer/serverSlice';
import type { ExplorerState } from './explorer/types';
import { viewSlice } from './explorer/viewSlice';

export { engineClient } from './explorer/engine';
export type { LocalDataset } from './explorer/types';
export { LOCAL_PREFIX } from './explorer/viewSlice';

/**
 * The explorer's one store, made of a slice per concern: the view state and URL (viewSlice), the run in the
 * worker and the selected query (runSlice), the runs kept in the browser with exports and latency
 * (historySlice), and what the server offers (serverSlice). Every slice sees the whole store.
 */
export const useExplorer = create<ExplorerState>()((...store) => ({
  ...viewSlice(...store),
  ...runSlice(...store),
  ...historySlice(...store),
  ...serverSlice(...store),
}));
