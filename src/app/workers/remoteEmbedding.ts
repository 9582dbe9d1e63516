import type { EmbedderSettings } from '../../core/embedding/embedderFactory';
import { RemoteEmbeddingHttpClient } from '../../core/embedding/remoteEmbeddingHttpClient';
import { isRemoteEmbeddingModel } from '../../core/embedding/remoteModels';
import { IndexedDbEmbeddingCache } from '../storage/indexedDbEmbeddingCache';
import type { EmbeddingRunOptions } from './embeddingService';

/** Notes of the IndexedDB cache (unavailable, quota), shown once. */
const notes: string[] = [];
const cache = new IndexedDbEmbeddingCache((message) => notes.push(message));

export { isRemoteEmbeddingModel };

/**
 * The settings of a `remote:<model>` embedder in this worker: the app server's `/api/embed` at `origin` (the
 * page's own), which calls the embeddings server the server is configured with (keys stay there), and the
 * browser's IndexedDB cache, so a re-run sends nothing. No device is chosen: the model runs on the server.
 */
export function remoteBrowserEmbedderSettings(
  origin: string,
  options: EmbeddingRunOptions = {},
  extra: { instruction?: string } = {},
): { settings: EmbedderSettings; notes: string[] } {
  return {
    notes: notes.splice(0),
    settings: {
      remote: new RemoteEmbeddingHttpClient(origin, (url, init) => fetch(url, init)),
      instruction: options.instruction ?? extra.instruction,
      queryTemplate: options.queryTemplate,
      documentTemplate: options.documentTemplate,
      batchSize: options.batchSize,
      cache: options.cache === false ? undefined : cache,
    },
  };
}
