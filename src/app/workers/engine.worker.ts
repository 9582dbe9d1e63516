/// <reference lib="webworker" />
import { engineApi } from './engineApi';
import { exposeWorker } from './rpc';

// The engine runs here, off the UI thread: tfjs, LSA fitting, refinement and metrics.
exposeWorker(engineApi);
