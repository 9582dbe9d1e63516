import { DEFAULT_METHOD, type MethodConfig } from '../../core/experiment/config';
import type { ExperimentSummary } from '../../core/experiment/outputs';
import { DEFAULT_EMBEDDING, type RunSpec } from '../../core/experiment/runSpec';
import { DEFAULT_VIEW_RUN, runSpecOfView } from '../url/viewRunSpec';
import type { QueryOutcome } from '../workers/engineApi';

/** A finished run as the Experiments view keeps it (IndexedDB), until the user deletes it. */
export interface SavedRun {
  id: string;
  createdAt: string;
  /**
   * The whole run as the app ran it: the view's `RunSpec` (`runSpecOfView`: the dataset as the view names
   * it, dropped files as `local:<label>`; an opened run's as `runSettingsOf` reads its config.json).
   */
  spec: RunSpec;
  /** The compute backend it ran on (or `opened: <name>` for a run opened from its files). */
  backend: string;
  summary: ExperimentSummary;
  queries: QueryOutcome[];
}

/**
 * What entries saved before the spec was kept hold instead (still in users' browsers): the dataset,
 * embedder, teacher and method of the view state, and its backend preference.
 */
export interface LegacySettings {
  dataset: string;
  embeddingModel: string;
  teacher: string;
  teacherNoise?: number;
  backend?: string;
  method?: Partial<MethodConfig>;
}

/**
 * The spec of an entry saved with the older settings: what they lack, as the app then ran it: the
 * embedder's fp32 weights and its registered pooling, yes/no scoring (the app's only default then, for every
 * LLM, FollowIR-7B included; the mode was not saved), no HyDE model, and the method's defaults for fields the
 * app did not have yet.
 */
export function specOfLegacySettings(settings: LegacySettings): RunSpec {
  return runSpecOfView({
    ...DEFAULT_VIEW_RUN,
    dataset: settings.dataset,
    embeddingModel: settings.embeddingModel,
    embedding: { ...DEFAULT_EMBEDDING },
    teacher: settings.teacher,
    teacherNoise: settings.teacherNoise ?? DEFAULT_VIEW_RUN.teacherNoise,
    teacherMode: 'yesno',
    hydeModel: '',
    method: { ...DEFAULT_METHOD, ...settings.method },
  });
}

/** An entry as stored: this version's, or an older one with `settings` in place of `spec`. */
type StoredRun = Omit<SavedRun, 'spec'> & { spec?: RunSpec; settings?: LegacySettings };

/**
 * A stored entry as this version reads it (older entries get their spec from their settings); undefined for
 * an entry with neither, which the history leaves out rather than fail on.
 */
export function savedRunOf(stored: StoredRun): SavedRun | undefined {
  const { settings, spec, ...rest } = stored;
  if (spec) return { ...rest, spec };
  if (settings) return { ...rest, spec: specOfLegacySettings(settings) };
  return undefined;
}

const DB_NAME = 'refinement-explorer';
const STORE = 'runs';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new Error(`cannot open the browser's run history: ${request.error?.message}`));
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(`run history: ${request.error?.message}`));
    });
  } finally {
    db.close();
  }
}

export const runHistory = {
  save: (run: SavedRun) => withStore('readwrite', (s) => s.put(run)).then(() => undefined),
  /** Newest first. */
  list: async (): Promise<SavedRun[]> =>
    (await withStore<StoredRun[]>('readonly', (s) => s.getAll()))
      .map(savedRunOf)
      .filter((run): run is SavedRun => run !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
  delete: (id: string) => withStore('readwrite', (s) => s.delete(id)).then(() => undefined),
};
