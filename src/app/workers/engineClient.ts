import type { EngineApi } from './engineApi';
import { connectWorker, type WorkerClient } from './rpc';

export type EngineClient = WorkerClient<EngineApi>;

/** Starts the compute worker that hosts the engine. */
export function startEngine(): EngineClient {
  return connectWorker<EngineApi>(
    new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }),
  );
}
