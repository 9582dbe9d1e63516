import { abortable, throwIfAborted } from '../../src/core/progress';
import { setMaxListeners } from 'node:events';
import type {
  RemoteEmbeddingService,
  RemoteEmbedRequest,
  RemoteEmbedResult,
} from '../../src/core/embedding/remoteEmbeddingApi';
import { keepsNewlines, remoteTemplates } from '../../src/core/embedding/remoteModels';
import { embedderInput, FALLBACK_INSTRUCTION, validateTemplate } from '../../src/core/embedding/templates';
import { LlmServiceError } from '../../src/core/teachers/llmApi';
import type { UpstreamConfig } from '../config';
import { EmbeddingStore } from './embeddingStore';
import { EmbeddingUpstream } from './embeddingUpstream';
import { Redactor } from './redact';
import { cacheKey } from './teacherCache';
import { UpstreamError, type ResolvedModel } from './upstreamCommon';

/** Bumped when what a cached vector means changes. */
const EMBED_CACHE_VERSION = 'embed-v1';
/** Characters per upstream call at most (~100k tokens; OpenAI takes 300k tokens per request). */
const MAX_BATCH_CHARS = 400_000;

/**
 * The remote embeddings' work, behind `POST /api/embed`, and what the CLI calls in-process in direct mode:
 * template the texts (the model's registered template, or the request's), look them up in the SQLite cache
 * by (model, templated text), send the missing ones upstream in batches (up to EMBED_BATCH_SIZE texts and
 * 400,000 characters each, EMBED_CONCURRENCY at once, retried), cache each batch as it arrives, and answer
 * float32 rows. A text another request is already embedding is waited for, not sent twice. When a batch
 * fails for good the request fails (502) with the reason; the batches that succeeded stay cached, so
 * sending the same request again only does the rest.
 */
export class ProxyEmbeddingService implements RemoteEmbeddingService {
  /** Texts on their way from the upstream: their vector, and the batch that brings it. */
  private readonly inflight = new Map<string, { vector: Promise<Float32Array>; batch: SharedBatch }>();
  /** Per model name: the width of its vectors, once known (from the cache or the upstream). */
  private readonly dimsOf = new Map<string, number>();
  private readonly closing = new AbortController();

  constructor(
    readonly upstream: EmbeddingUpstream,
    readonly store: EmbeddingStore | null,
    readonly via = 'direct',
  ) {
    setMaxListeners(0, this.closing.signal);
  }

  /**
   * The service for `config`: its upstream, and its cache in `config.cacheDir` (none when `cache` is false
   * or there is no cache folder). `warn` gets redacted notes (a batch limit learned, base64 refused).
   */
  static fromConfig(
    config: UpstreamConfig,
    options: { warn?: (message: string) => void; via?: string; cache?: boolean } = {},
  ): ProxyEmbeddingService {
    const redactor = new Redactor(embeddingSecrets(config));
    const warn = options.warn ?? (() => {});
    const upstream = new EmbeddingUpstream(config, redactor, (message) => warn(redactor.redact(message)));
    const store = options.cache !== false && config.cacheDir ? new EmbeddingStore(config.cacheDir) : null;
    return new ProxyEmbeddingService(upstream, store, options.via);
  }

  /** Which upstream serves `model`; throws the 400/503 LlmServiceError that says what to set. */
  resolve(model: string): ResolvedModel {
    return this.upstream.resolve(model);
  }

  async embed(request: RemoteEmbedRequest, signal?: AbortSignal): Promise<RemoteEmbedResult> {
    const resolved = this.upstream.resolve(request.model);
    const template = request.template ?? remoteTemplates(request.model)[request.kind];
    try {
      validateTemplate(template, `${request.kind} template`);
    } catch (error) {
      throw new LlmServiceError((error as Error).message, 400);
    }
    const instruction = request.instruction?.trim() || FALLBACK_INSTRUCTION;
    // What the upstream embeds, and the cache key: templated, newlines made spaces (as the reference's embedder;
    // kept for the one model it embeds without langchain, see `keepsNewlines`).
    const keep = keepsNewlines(request.model);
    const templated = request.texts.map((t) => embedderInput(template, t, instruction, keep));
    const unique = [...new Set(templated)];
    const keys = unique.map((t) => cacheKey([EMBED_CACHE_VERSION, request.model, t]));
    const vectors: (Float32Array | undefined)[] = this.store?.get(keys) ?? new Array(unique.length);
    let known = this.dimsOf.get(request.model);
    for (let i = 0; i < vectors.length; i++) {
      const v = vectors[i];
      if (!v) continue;
      known ??= v.length;
      // A cached vector of another width (the model behind the name changed) is embedded again.
      if (v.length !== known) vectors[i] = undefined;
    }
    if (known !== undefined && !this.dimsOf.has(request.model)) this.dimsOf.set(request.model, known);
    const cached = vectors.filter(Boolean).length;

    throwIfAborted(signal);
    // The batches this request waits for (its own and other requests'): each is cancelled when every
    // request that waits for it was (see `wait`).
    const waitedFor = new Set<SharedBatch>();
    const wait = (batch: SharedBatch) => {
      if (waitedFor.has(batch)) return;
      waitedFor.add(batch);
      batch.waiters++;
    };
    const work: Promise<void>[] = [];
    const missing: number[] = [];
    for (let i = 0; i < unique.length; i++) {
      if (vectors[i]) continue;
      const running = this.inflight.get(keys[i]);
      if (!running) {
        missing.push(i);
        continue;
      }
      wait(running.batch);
      work.push(running.vector.then((v) => void (vectors[i] = v)));
    }
    let embedded = 0;
    for (const batch of this.batches(resolved, missing, unique)) {
      const shared = this.newBatch();
      wait(shared);
      const done = this.upstream
        .embed(
          resolved,
          batch.map((i) => unique[i]),
          shared.signal,
          this.dimsOf.get(request.model),
        )
        .then((result) => {
          const dims = result[0].length;
          const expected = this.dimsOf.get(request.model);
          if (expected !== undefined && dims !== expected)
            throw new UpstreamError(
              `${this.upstream.describe(resolved.provider)} sent ${dims}-dimensional vectors for ` +
                `${request.model}, which gave ${expected} before: did the model behind the name change?`,
              'malformed',
            );
          this.dimsOf.set(request.model, dims);
          this.store?.put(
            batch.map((i, j) => ({ key: keys[i], vector: result[j] })),
            request.model,
          );
          return result;
        });
      batch.forEach((i, j) => {
        const one = done.then((result) => result[j]);
        one.catch(() => {}); // awaited below, and by any request that waits for the same text
        this.inflight.set(keys[i], { vector: one, batch: shared });
        void one.then(
          () => this.inflight.delete(keys[i]),
          () => this.inflight.delete(keys[i]),
        );
        work.push(one.then((v) => void (vectors[i] = v)));
      });
      void done.then(
        () => (embedded += batch.length),
        () => {},
      );
    }

    // A waiter without a signal waits to the end, so a batch is never cancelled under it.
    const leave = () => {
      for (const batch of waitedFor) if (--batch.waiters === 0) batch.controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', leave, { once: true });
    // A cancelled request answers at once, also while a batch it waited for goes on for another request.
    const outcomes = await abortable(Promise.allSettled(work), signal).finally(() =>
      signal?.removeEventListener('abort', leave),
    );
    throwIfAborted(signal);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) {
      const reason: unknown = failed.reason;
      if (!(reason instanceof UpstreamError)) throw reason;
      const kept =
        embedded > 0 && this.store
          ? ` (${embedded} of ${missing.length} texts were embedded and cached: sending the request again ` +
            'does only the rest)'
          : '';
      throw new LlmServiceError(`the embeddings upstream failed: ${reason.message}${kept}`, 502);
    }

    const dims = vectors[0]?.length ?? this.dimsOf.get(request.model) ?? 0;
    for (const v of vectors)
      if (v!.length !== dims)
        throw new LlmServiceError(
          `the embeddings upstream sent vectors of different widths (${dims} and ${v!.length}) for ` +
            `${request.model}: the model behind the name changed; delete the embedding cache or use another name`,
          502,
        );
    const out = new Float32Array(templated.length * dims);
    const indexOf = new Map(unique.map((t, i) => [t, i]));
    templated.forEach((t, r) => out.set(vectors[indexOf.get(t)!]!, r * dims));
    return { vectors: out, count: templated.length, dims, cached };
  }

  /** Stops every upstream call in flight and waiting (shutdown: the requests then answer at once). */
  cancel(): void {
    this.closing.abort(new Error('the embedding service is shutting down'));
  }

  /** Stops every upstream call and closes the cache. */
  close(): void {
    this.cancel();
    this.store?.close();
  }

  /** Upstream batches of the `missing` texts: at most the model's batch size and MAX_BATCH_CHARS each. */
  private batches(resolved: ResolvedModel, missing: number[], texts: string[]): number[][] {
    const size = this.upstream.batchSize(resolved);
    const out: number[][] = [];
    let current: number[] = [];
    let chars = 0;
    for (const i of missing) {
      const length = texts[i].length;
      if (current.length && (current.length >= size || chars + length > MAX_BATCH_CHARS)) {
        out.push(current);
        current = [];
        chars = 0;
      }
      current.push(i);
      chars += length;
    }
    if (current.length) out.push(current);
    return out;
  }

  /**
   * A batch's upstream calls (queued or in flight) stop when the service closes, or when every request
   * waiting for it was cancelled (the CLI's Ctrl-C; on the server, the client went away or its time budget,
   * REQUEST_TIMEOUT, ran out), so that one request cannot hold the shared slots of a hung upstream. A batch
   * another request still waits for goes on; the batches that finished are cached either way.
   */
  private newBatch(): SharedBatch {
    const controller = new AbortController();
    const signal = AbortSignal.any([this.closing.signal, controller.signal]);
    setMaxListeners(0, signal);
    return { controller, signal, waiters: 0 };
  }
}

/** One upstream batch that one or more requests wait for. */
interface SharedBatch {
  controller: AbortController;
  /** Its calls' signal: the service's closing, or the controller. */
  signal: AbortSignal;
  /** Requests waiting for it; the last one cancelled cancels it. */
  waiters: number;
}

/** Everything that must never appear in an answer or a log line: keys, and URLs with credentials. */
export function embeddingSecrets(config: UpstreamConfig): (string | undefined)[] {
  return [config.apiKey, config.openaiApiKey, config.baseUrl, config.embedApiKey, config.embedBaseUrl];
}
