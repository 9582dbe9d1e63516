import { startEngine, type EngineClient } from '../../workers/engineClient';

/**
 * What the explorer store's slices share besides the store itself: the engine worker, the controllers of
 * the calls in flight (a newer run or selection cancels the older), and what the worker was last told.
 */

let engine: EngineClient | undefined;

/** The engine worker, started on first use and shared by the app and the automation surface. */
export function engineClient(): EngineClient {
  engine ??= startEngine();
  return engine;
}

export const inFlight: {
  run?: AbortController;
  query?: AbortController;
  /** The backend preference and model host the worker was set up with. */
  initialisedBackend?: string;
  configuredHost?: string;
  /** The history id of the opened or kept run whose settings are being re-run here, to compare the two after. */
  rerunOf?: string;
  /** The one question to the server about its data folder (the first run waits for the answer). */
  serverDiscovery?: Promise<void>;
} = { configuredHost: 'hub' };

export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A new id for a run kept in the browser's history. */
export const newRunId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
