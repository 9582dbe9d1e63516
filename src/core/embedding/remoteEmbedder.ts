import { matrix, type Matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import {
  embeddingCacheKey,
  lookUpCachedVectors,
  type EmbeddingCache,
  type EmbeddingKeyParts,
} from './embeddingCache';
import type { EmbedKind, RemoteEmbeddingService } from './remoteEmbeddingApi';
import {
  findRemoteModel,
  keepsNewlines,
  REMOTE_PREFIX,
  remoteModelName,
  remoteTemplates,
} from './remoteModels';
import { embedderInput, FALLBACK_INSTRUCTION, fillInstruction, type EmbeddingTemplates } from './templates';
import type { Embedder } from './types';

export interface RemoteEmbedderOptions {
  /** The embedding server over HTTP, or the server's code in-process (the CLI's direct mode). */
  service: RemoteEmbeddingService;
  /** The dataset's task instruction, for `{instruction}` in the query template. */
  instruction?: string;
  queryTemplate?: string;
  documentTemplate?: string;
  /** Texts per request to the server (default 256); the server splits them to the upstream's limits. */
  batchSize?: number;
  /** Requests in flight at once (default 2). */
  concurrency?: number;
  /** Vectors kept on this side too (files in Node, IndexedDB in the browser): found texts are not sent. */
  cache?: EmbeddingCache;
}

/** What one `embedDocuments` / `embedQueries` call did. */
export interface RemoteEmbedStats {
  texts: number;
  /** Distinct texts. */
  unique: number;
  /** Distinct texts found in the local cache (not sent). */
  cached: number;
  /** Distinct texts sent to the server. */
  embedded: number;
  /** Of those, the ones the server answered from its own cache. */
  serverCached: number;
}

const DEFAULT_BATCH_SIZE = 256;
const DEFAULT_CONCURRENCY = 2;

/**
 * An embedder whose model runs on an OpenAI-compatible embeddings server (`remote:<model>`): vLLM,
 * text-embeddings-inference, a LiteLLM gateway or OpenAI, reached through the app server's `/api/embed` (or
 * its code in-process). Texts are deduplicated, looked up in the local cache, and the missing ones are sent
 * in chunks of `batchSize` with progress and cancellation between chunks; each finished chunk is cached at
 * once, on both sides. Stopping a long corpus and running it again therefore redoes no finished chunk.
 */
export class RemoteEmbedder implements Embedder {
  readonly id: string;
  /** The server's model name (`OpenAI/…`, `LiteLLM/…` or bare). */
  readonly model: string;
  /** The templates with the task instruction filled in (what config.json records). */
  readonly templates: EmbeddingTemplates;
  /** The templates as given (the registry's or the options'), sent to the server with the instruction. */
  private readonly rawTemplates: EmbeddingTemplates;
  lastRun: RemoteEmbedStats = { texts: 0, unique: 0, cached: 0, embedded: 0, serverCached: 0 };
  readonly totals: RemoteEmbedStats = { texts: 0, unique: 0, cached: 0, embedded: 0, serverCached: 0 };
  private readonly instruction: string;
  /** As the reference: the texts keep their newlines for this model (see `keepsNewlines`). */
  private readonly keepNewlines: boolean;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly keyParts: EmbeddingKeyParts;
  private knownDims: number | undefined;

  constructor(
    name: string,
    private readonly options: RemoteEmbedderOptions,
  ) {
    this.model = remoteModelName(name);
    this.id = `${REMOTE_PREFIX}${this.model}`;
    this.rawTemplates = remoteTemplates(this.model, options);
    this.instruction = options.instruction?.trim() || FALLBACK_INSTRUCTION;
    this.keepNewlines = keepsNewlines(this.model);
    this.templates = fillInstruction(this.rawTemplates, this.instruction);
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    for (const [what, value] of [
      ['embedding batch size', this.batchSize],
      ['embedding request concurrency', this.concurrency],
    ] as const)
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`${what} must be a positive integer, got ${value}`);
    this.keyParts = {
      model: this.id,
      revision: 'remote',
      dtype: 'server',
      pooling: 'server',
      normalize: false,
      maxLength: null,
    };
  }

  /** Known after the first vector arrived (from the server or the cache); 0 before. */
  get dims(): number {
    return this.knownDims ?? 0;
  }

  /** Where the vectors come from, for messages and config.json. */
  get via(): string {
    return this.options.service.via;
  }

  /** The registry's entry, if the model is a known one. */
  get registered(): string | undefined {
    return findRemoteModel(this.model)?.name;
  }

  configFields(): Record<string, unknown> {
    return {
      embedding_via: this.via,
      embedding_registered_model: this.registered ?? null,
      /** Distinct texts found in the local cache, sent to the server, and of those answered from its cache. */
      embedding_cache: {
        cached: this.totals.cached,
        embedded: this.totals.embedded,
        server_cached: this.totals.serverCached,
      },
    };
  }

  async fit(): Promise<void> {}

  /** The text the upstream embeds for a query (the server templates it the same way: `embedderInput`). */
  templateQuery(text: string): string {
    return embedderInput(this.rawTemplates.query, text, this.instruction, this.keepNewlines);
  }

  /** The text the upstream embeds for a document. */
  templateDocument(text: string): string {
    return embedderInput(this.rawTemplates.document, text, this.instruction, this.keepNewlines);
  }

  embedDocuments(texts: string[], options: LongTaskOptions = {}): Promise<Matrix> {
    return this.embed(texts, 'document', options);
  }

  embedQueries(texts: string[], options: LongTaskOptions = {}): Promise<Matrix> {
    return this.embed(texts, 'query', options);
  }

  private async embed(texts: string[], kind: EmbedKind, options: LongTaskOptions): Promise<Matrix> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    const cache = this.options.cache;
    const unique = [...new Set(texts)];
    const template = kind === 'query' ? this.rawTemplates.query : this.rawTemplates.document;
    // Keyed by the text the upstream embeds (newlines made spaces, except where `keepsNewlines`).
    const keys = cache
      ? unique.map((t) =>
          embeddingCacheKey(this.keyParts, embedderInput(template, t, this.instruction, this.keepNewlines)),
        )
      : [];
    // A cached vector of another width (the server's model changed under the same name) is fetched again.
    const looked = await lookUpCachedVectors(cache, keys, unique.length, this.knownDims);
    const { vectors, missing } = looked;
    this.knownDims = looked.dims;
    const cachedCount = unique.length - missing.length;
    const total = texts.length;
    const doneOf = (sent: number) => Math.round(((cachedCount + sent) / Math.max(unique.length, 1)) * total);
    onProgress?.({ stage: 'embed', done: doneOf(0), total });

    const chunks: number[][] = [];
    for (let i = 0; i < missing.length; i += this.batchSize)
      chunks.push(missing.slice(i, i + this.batchSize));
    let sent = 0;
    let serverCached = 0;
    if (chunks.length) {
      // One failing chunk stops the others; the caller's cancellation stops all.
      const stop = new AbortController();
      const onAbort = () => stop.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      let next = 0;
      let failure: { error: unknown } | undefined;
      const worker = async () => {
        while (next < chunks.length && !failure && !stop.signal.aborted) {
          const chunk = chunks[next++];
          try {
            const result = await this.options.service.embed(
              {
                model: this.model,
                texts: chunk.map((i) => unique[i]),
                kind,
                instruction: this.instruction,
                template,
              },
              stop.signal,
            );
            if (result.count !== chunk.length || result.vectors.length !== result.count * result.dims)
              throw new Error(
                `the embedding server sent ${result.count} vectors for ${chunk.length} texts (${this.via})`,
              );
            if (this.knownDims === undefined) this.knownDims = result.dims;
            else if (result.dims !== this.knownDims)
              throw new Error(
                `${this.id} gave ${result.dims}-dimensional vectors, but ${this.knownDims} were expected ` +
                  '(earlier or cached vectors): did the model behind the server change?',
              );
            const entries = chunk.map((i, r) => {
              const vector = result.vectors.slice(r * result.dims, (r + 1) * result.dims);
              vectors[i] = vector;
              return { key: keys[i], vector };
            });
            if (cache) await cache.put(entries);
            sent += chunk.length;
            serverCached += result.cached;
            onProgress?.({ stage: 'embed', done: doneOf(sent), total });
          } catch (error) {
            failure ??= { error };
            stop.abort(error);
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      throwIfAborted(signal);
      if (failure) {
        const error = failure.error;
        if (sent === 0) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(
          `${message} (${sent} of ${missing.length} texts were embedded before this and are cached: ` +
            'running again resumes from there)',
          { cause: error },
        );
      }
    }

    this.lastRun = {
      texts: total,
      unique: unique.length,
      cached: cachedCount,
      embedded: missing.length,
      serverCached,
    };
    for (const k of ['texts', 'unique', 'cached', 'embedded', 'serverCached'] as const)
      this.totals[k] += this.lastRun[k];
    const dims = this.knownDims ?? 0;
    const out = matrix(texts.length, dims);
    const indexOf = new Map(unique.map((t, i) => [t, i]));
    texts.forEach((t, r) => out.data.set(vectors[indexOf.get(t)!]!, r * dims));
    return out;
  }
}
