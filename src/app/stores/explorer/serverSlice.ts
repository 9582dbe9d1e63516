import { serverDatasets } from '../../data/datasetSource';
import { listServerDataFolders } from '../../data/httpDataFiles';
import { listServerRuns } from '../../runs/serverRuns';
import { inFlight } from './engine';
import type { ServerSlice, Slice } from './types';

/** What the app's server offers, asked once (datasets) or on demand (runs). */
export const serverSlice: Slice<ServerSlice> = (set) => ({
  serverDatasets: null,
  serverRuns: null,

  async discoverServerData() {
    inFlight.serverDiscovery ??= listServerDataFolders(location.origin).then((folders) =>
      set({ serverDatasets: folders === null ? null : serverDatasets(folders) }),
    );
    await inFlight.serverDiscovery;
  },

  async listServerRuns() {
    set({ serverRuns: await listServerRuns(location.origin) });
  },
});
