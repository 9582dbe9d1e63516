import type { BackendInfo, BackendPreference } from '../../core/compute/backend';
import { initBrowserBackend } from '../compute/browserBackends';

/** What every call of the compute worker shares: one lock, and the backend in use. */
let lock: Promise<unknown> = Promise.resolve();

/**
 * Runs tensor work one call at a time. Calls arrive concurrently (the UI's run, a test's or a benchmark's
 * backend switch); interleaved, a backend change in the middle of a run would strand its tensors.
 */
export function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = lock.then(work, work);
  lock = run.catch(() => undefined);
  return run;
}

let backend: BackendInfo | undefined;

/** Sets up `preference`'s backend (call it inside `exclusive`); it is what `workerBackend` says after. */
export async function initWorkerBackend(preference: BackendPreference): Promise<BackendInfo> {
  backend = await initBrowserBackend(preference);
  return backend;
}

/** The backend the last `initWorkerBackend` set up, for config.json's adapter; undefined before. */
export function workerBackend(): BackendInfo | undefined {
  return backend;
}
