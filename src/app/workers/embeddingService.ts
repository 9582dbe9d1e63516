import type { EmbedderSettings } from '../../core/embedding/embedderFactory';
import { createEmbedder } from '../../core/embedding/embedderFactory';
import type { EmbeddingDtype, Pooling } from '../../core/embedding/modelRegistry';
import { TransformersEmbedder, type EmbedStats } from '../../core/embedding/transformersEmbedder';
import { configureTransformers, type EmbeddingDevice } from '../../core/embedding/transformersRuntime';
import type { Matrix } from '../../core/matrix';
import type { ProgressListener } from '../../core/progress';
import { chooseEmbeddingDevice, type EmbeddingDevicePreference } from '../compute/embeddingDevice';
import { IndexedDbEmbeddingCache } from '../storage/indexedDbEmbeddingCache';
import type { CallContext } from './rpc';

/** How a neural embedding model runs in the browser; every field has a default. */
export interface EmbeddingRunOptions {
  /** Default `auto`: WebGPU on a hardware adapter, else WASM. */
  device?: EmbeddingDevicePreference;
  /** Default fp32. */
  dtype?: EmbeddingDtype;
  /** Needed for models outside the registry. */
  pooling?: Pooling;
  revision?: string;
  maxLength?: number;
  queryTemplate?: string;
  documentTemplate?: string;
  /** Instead of the dataset's task instruction. */
  instruction?: string;
  batchSize?: number;
  /** Use the IndexedDB embedding cache (default true). */
  cache?: boolean;
}

export interface EmbedRequest extends EmbeddingRunOptions {
  /** A registered model, a Hub id, or a Hub id served by the model host. */
  model: string;
  texts: string[];
  /** Which template applies (default documents). */
  kind?: 'documents' | 'queries';
}

export interface EmbedResponse {
  embeddings: Matrix;
  modelId: string;
  device: EmbeddingDevice;
  dims: number;
  maxLength: number | null;
  /** Device fallbacks and cache problems, for the user. */
  notes: string[];
  stats: EmbedStats;
}

/** Notes of the IndexedDB cache (unavailable, quota) since the last embedder was made. */
let cacheNotes: string[] = [];
const cache = new IndexedDbEmbeddingCache((message) => cacheNotes.push(message));

/**
 * The settings of a neural embedder in this worker: the device for the preference, the IndexedDB cache, and
 * download progress to `onProgress`. Empty for LSA (which needs none of them).
 */
export async function browserEmbedderSettings(
  model: string,
  options: EmbeddingRunOptions = {},
  extra: { instruction?: string; onProgress?: ProgressListener } = {},
): Promise<{ settings: EmbedderSettings; notes: string[] }> {
  if (/^lsa(-\d+)?$/i.test(model.trim())) return { settings: {}, notes: [] };
  const choice = await chooseEmbeddingDevice(options.device ?? 'auto');
  return {
    notes: choice.notes,
    settings: {
      device: choice.device,
      fallbackDevice: choice.fallbackDevice,
      dtype: options.dtype,
      pooling: options.pooling,
      revision: options.revision,
      maxLength: options.maxLength,
      queryTemplate: options.queryTemplate,
      documentTemplate: options.documentTemplate,
      batchSize: options.batchSize,
      instruction: options.instruction ?? extra.instruction,
      cache: options.cache === false ? undefined : cache,
      onLoadProgress: extra.onProgress,
    },
  };
}

/** Embeds `request.texts` (the automation surface's `embed`, and the UI's model check). */
export async function embedTexts(request: EmbedRequest, context: CallContext): Promise<EmbedResponse> {
  cacheNotes = [];
  const { model, texts, kind, ...options } = request;
  const { settings, notes } = await browserEmbedderSettings(model, options, {
    onProgress: context.onProgress,
  });
  const embedder = createEmbedder(model, 0, settings);
  if (!(embedder instanceof TransformersEmbedder))
    throw new Error(
      `"${model}" is not a neural embedding model (LSA is fitted on a corpus: run an experiment)`,
    );
  const run = { signal: context.signal, onProgress: context.onProgress };
  const embeddings =
    kind === 'queries' ? await embedder.embedQueries(texts, run) : await embedder.embedDocuments(texts, run);
  context.transfer(embeddings.data.buffer);
  return {
    embeddings,
    modelId: embedder.id,
    device: embedder.device,
    dims: embedder.dims,
    maxLength: embedder.maxLength ?? null,
    notes: [...notes, ...embedder.notes, ...cacheNotes],
    stats: embedder.lastRun,
  };
}

/**
 * Where Hub ids are downloaded from: `https://huggingface.co/` (default), or a mirror such as the app
 * server's own `/hf/` (relative URLs are resolved against the app).
 */
export async function configureModelHost(request: {
  remoteHost: string;
  remotePathTemplate?: string;
}): Promise<string> {
  const remoteHost = new URL(request.remoteHost, self.location.href).href;
  configureTransformers({ remoteHost, remotePathTemplate: request.remotePathTemplate });
  return remoteHost;
}

/** Deletes every cached embedding in this browser. */
export async function clearEmbeddingCache(): Promise<void> {
  await cache.clear();
}
