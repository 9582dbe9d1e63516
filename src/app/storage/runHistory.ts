import type { ExperimentSummary } from '../../core/experiment/outputs';
import type { ViewState } from '../url/urlState';
import type { QueryOutcome } from '../workers/engineApi';

/** A finished run as the Experiments view keeps it (IndexedDB), until the user deletes it. */
export interface SavedRun {
  id: string;
  createdAt: string;
  /** The settings that produced it (the dataset, embedder, teacher and method of the view state). */
  settings: Pick<ViewState, 'dataset' | 'embeddingModel' | 'teacher' | 'teacherNoise' | 'backend' | 'method'>;
  backend: string;
  summary: ExperimentSummary;
  queries: QueryOutcome[];
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
    (await withStore<SavedRun[]>('readonly', (s) => s.getAll())).sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    ),
  delete: (id: string) => withStore('readwrite', (s) => s.delete(id)).then(() => undefined),
};
