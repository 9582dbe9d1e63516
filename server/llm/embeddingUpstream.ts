import { z } from 'zod';
import type { UpstreamConfig } from '../config';
import { publicUrl, type Redactor } from './redact';
import {
  basicAuthorization,
  cleanMessage,
  connectionError,
  resolveConfiguredModel,
  statusError,
  timeoutError,
  UpstreamClient,
  UpstreamError,
  v1Root,
  type ProviderName,
  type ResolvedModel,
} from './upstreamCommon';

/**
 * The upstream embeddings servers, reached with `fetch` at `POST <base>/embeddings` in OpenAI's format
 * (`{model, input[], encoding_format}` → `{data: [{embedding, index}], model, usage}`): vLLM,
 * text-embeddings-inference, LiteLLM, llama.cpp, OpenAI. `OpenAI/<model>` goes to OpenAI with OPENAI_API_KEY;
 * `LiteLLM/<model>` and bare names to EMBED_BASE_URL (else BASE_URL) with EMBED_API_KEY (else API_KEY when it
 * is the same server). Vectors are asked for as base64 float32 (a quarter of the bytes of JSON numbers); a
 * server that refuses the field is asked again for floats. Every call goes through one concurrency bound,
 * has a time-out and is retried with backoff on 429, 5xx, time-outs, connection errors and malformed
 * replies (wrong vector count, wrong or mixed dimensions). A batch the server calls too large is split and
 * the limit it names is kept for the model. Errors say what to check and carry no secret.
 */

/** The upstream refused a batch as too large; `limit` is the size it named, if it did. */
class BatchTooLarge extends Error {
  constructor(
    message: string,
    readonly limit: number | undefined,
  ) {
    super(message);
  }
}

/** The upstream refused `encoding_format: "base64"`. */
class EncodingRefused extends Error {}

const Embeddings = z.object({
  data: z.array(
    z.object({
      embedding: z.union([z.array(z.number()), z.string()]),
      index: z.number().int().nonnegative().optional(),
    }),
  ),
});

const TOO_LARGE =
  /batch size|batch_size|too many (inputs|items|texts)|maximum (allowed )?(number of )?(inputs|batch)|max_client_batch_size|at most \d+ (inputs|items)|payload too large|exceeds? the (maximum|max) (batch|number)/i;

export class EmbeddingUpstream extends UpstreamClient {
  /** Per `provider/model`: the batch size the upstream accepts, once it said so. */
  private readonly learnedBatch = new Map<string, number>();
  /** Per provider: refused base64, gets floats. */
  private readonly floatsOnly = new Set<ProviderName>();

  constructor(config: UpstreamConfig, redactor: Redactor, warn: (message: string) => void = () => {}) {
    super(config, redactor, warn, config.embedConcurrency);
  }

  /** Which provider serves `name`; a 503 LlmServiceError saying what to set when none is configured. */
  resolve(name: string): ResolvedModel {
    return resolveConfiguredModel(
      name,
      { openai: Boolean(this.config.openaiApiKey), base_url: Boolean(this.endpointUrl()) },
      {
        openai: () =>
          `embedding model "${name}" needs OPENAI_API_KEY: set it in the environment of the app server ` +
          '(or of the CLI, when it calls the upstream directly) and restart it',
        base_url: () =>
          `no embeddings upstream for model "${name}": set EMBED_BASE_URL (or BASE_URL) to an OpenAI-compatible ` +
          'embeddings server (vLLM, text-embeddings-inference, LiteLLM) and EMBED_API_KEY if it needs one, then ' +
          'restart; or use OpenAI/<model> with OPENAI_API_KEY',
      },
    );
  }

  /** Where a provider is, for messages: never with credentials. */
  describe(provider: ProviderName): string {
    return provider === 'openai'
      ? `OpenAI (${publicUrl(this.config.openaiBaseUrl)})`
      : `the embeddings server at ${publicUrl(this.baseUrl())}`;
  }

  /** Texts per upstream call for this model: the configured size, or the smaller one the upstream named. */
  batchSize(resolved: ResolvedModel): number {
    return Math.min(this.config.embedBatchSize, this.learnedBatch.get(key(resolved)) ?? Infinity);
  }

  /**
   * The vectors of `texts` (one per text, in order), retried as configured; throws an UpstreamError.
   * `expectedDims`: the width this model's vectors had before (a reply of another width is malformed).
   */
  async embed(
    resolved: ResolvedModel,
    texts: string[],
    signal?: AbortSignal,
    expectedDims?: number,
  ): Promise<Float32Array[]> {
    const recover = (error: unknown) => {
      if (error instanceof EncodingRefused) return 'again';
      if (error instanceof BatchTooLarge) return this.split(resolved, texts, error, signal, expectedDims);
      return undefined;
    };
    return this.call(() => this.attempt(resolved, texts, signal, expectedDims), signal, recover);
  }

  /** A batch the upstream refused as too large, in smaller parts (the limit it named, else halves). */
  private async split(
    resolved: ResolvedModel,
    texts: string[],
    refusal: BatchTooLarge,
    signal?: AbortSignal,
    expectedDims?: number,
  ): Promise<Float32Array[]> {
    if (texts.length === 1)
      throw new UpstreamError(
        `${this.describe(resolved.provider)} refused a single text as too large (${refusal.message}); ` +
          'shorten the texts or raise the server’s limits',
        'bad_request',
      );
    const size = Math.max(1, Math.min(refusal.limit ?? Math.ceil(texts.length / 2), texts.length - 1));
    const before = this.learnedBatch.get(key(resolved));
    // Only a limit the upstream named is kept (a refusal without one may be about one long text).
    if (refusal.limit !== undefined && (before === undefined || size < before)) {
      this.learnedBatch.set(key(resolved), size);
      this.warn(
        `${this.describe(resolved.provider)} takes at most ${size} texts per call for ${resolved.model}; ` +
          'sending smaller batches (set EMBED_BATCH_SIZE to skip this)',
      );
    }
    const parts: string[][] = [];
    for (let i = 0; i < texts.length; i += size) parts.push(texts.slice(i, i + size));
    const vectors = await Promise.all(parts.map((part) => this.embed(resolved, part, signal, expectedDims)));
    return vectors.flat();
  }

  private async attempt(
    resolved: ResolvedModel,
    texts: string[],
    signal?: AbortSignal,
    expectedDims?: number,
  ): Promise<Float32Array[]> {
    const where = this.describe(resolved.provider);
    const base64 = !this.floatsOnly.has(resolved.provider);
    const body = {
      model: resolved.model,
      // OpenAI refuses empty strings; a space embeds as (nearly) nothing, as an empty text would.
      input: texts.map((t) => (t === '' ? ' ' : t)),
      encoding_format: base64 ? 'base64' : 'float',
    };
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let retryAfter: string | null;
    let text: string;
    try {
      const response = await fetch(`${this.endpoint(resolved.provider)}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.authorization(resolved.provider) },
        body: JSON.stringify(body),
        signal: combined,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw new UpstreamError('cancelled', 'cancelled');
      if (timeout.aborted) throw timeoutError(where, this.config.timeoutMs);
      throw connectionError(
        where,
        error,
        resolved.provider === 'openai'
          ? 'check the network'
          : 'check EMBED_BASE_URL (or BASE_URL) and that the server is running',
      );
    }
    if (status < 200 || status >= 300) throw this.refusal(resolved, status, retryAfter, text, base64);
    return this.parse(resolved, text, texts.length, expectedDims);
  }

  private refusal(
    resolved: ResolvedModel,
    status: number,
    retryAfter: string | null,
    text: string,
    base64: boolean,
  ): Error {
    const where = this.describe(resolved.provider);
    const detail = cleanMessage(errorMessage(text) ?? `HTTP ${status}`, this.redactor);
    if (status === 413 || ((status === 400 || status === 422) && TOO_LARGE.test(detail))) {
      const named =
        /batch size (?:is |of )?(\d+)|at most (\d+)|max(?:imum)?[ _a-z]{0,30}?(?:batch|inputs)[ _a-z]{0,12}?(\d+)/i.exec(
          detail.replace(/batch size \d+ >/i, ''),
        );
      const limit = named ? Number(named[1] ?? named[2] ?? named[3]) : undefined;
      return new BatchTooLarge(detail, limit && limit > 0 ? limit : undefined);
    }
    if ((status === 400 || status === 422) && base64 && /encoding_format|base64/i.test(detail)) {
      this.floatsOnly.add(resolved.provider);
      this.warn(`${where} refused encoding_format "base64"; asking it for floats`);
      return new EncodingRefused(detail);
    }
    const after = Number(retryAfter);
    return statusError(status, {
      where,
      detail,
      retryAfterMs: retryAfter !== null && Number.isFinite(after) && after >= 0 ? after * 1000 : undefined,
      concurrencySetting: 'EMBED_CONCURRENCY',
      keySetting: resolved.provider === 'openai' ? 'OPENAI_API_KEY' : 'EMBED_API_KEY or API_KEY',
      notFound:
        `${where} has no embedding model "${resolved.model}" or no /embeddings route (HTTP 404): check the ` +
        `model name${resolved.provider === 'base_url' ? ' and EMBED_BASE_URL (or BASE_URL)' : ''}`,
    });
  }

  /** The vectors of a 200 answer, checked: one per text, each index once, one width, finite values. */
  private parse(
    resolved: ResolvedModel,
    text: string,
    count: number,
    expectedDims: number | undefined,
  ): Float32Array[] {
    const where = this.describe(resolved.provider);
    const malformed = (what: string) =>
      new UpstreamError(`${where} sent ${what} for model ${resolved.model}`, 'malformed');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw malformed('malformed JSON instead of embeddings');
    }
    const parsed = Embeddings.safeParse(raw);
    if (!parsed.success)
      throw malformed(
        'a reply that is not an embeddings list (check that the URL is an OpenAI-compatible /v1)',
      );
    const data = parsed.data.data;
    if (data.length !== count) throw malformed(`${data.length} vectors for ${count} texts`);
    const ordered = new Array<Float32Array | undefined>(count);
    data.forEach((item, position) => {
      const index = item.index ?? position;
      if (index >= count || ordered[index]) throw malformed(`vector index ${index} twice or out of range`);
      ordered[index] =
        typeof item.embedding === 'string'
          ? floatsOfBase64(item.embedding)
          : Float32Array.from(item.embedding);
    });
    const vectors = ordered as Float32Array[];
    const dims = vectors[0]?.length ?? 0;
    if (dims === 0) throw malformed('empty vectors');
    if (expectedDims !== undefined && dims !== expectedDims)
      throw malformed(`${dims}-dimensional vectors where it sent ${expectedDims} before`);
    for (const v of vectors) {
      if (v.length !== dims) throw malformed(`vectors of different lengths (${dims} and ${v.length})`);
      for (let i = 0; i < v.length; i++)
        if (!Number.isFinite(v[i])) throw malformed('non-finite vector values');
    }
    return vectors;
  }

  private endpointUrl(): string | undefined {
    return this.config.embedBaseUrl ?? this.config.baseUrl;
  }

  /** The base URL of `base_url` embeddings, without credentials, "/v1" appended when missing. */
  private baseUrl(): string {
    return v1Root(this.endpointUrl() ?? 'http://localhost').replace(/\/+$/, '');
  }

  private endpoint(provider: ProviderName): string {
    return provider === 'openai' ? this.config.openaiBaseUrl.replace(/\/+$/, '') : this.baseUrl();
  }

  /**
   * `OpenAI/…`: OPENAI_API_KEY. Otherwise, without EMBED_BASE_URL, as the LLM upstream: API_KEY, else the
   * user:password of BASE_URL as a Basic header (fetch refuses URLs with credentials). With EMBED_BASE_URL:
   * EMBED_API_KEY, else its user:password, else API_KEY only when it is BASE_URL's server (never elsewhere).
   */
  private authorization(provider: ProviderName): Record<string, string> {
    const { openaiApiKey, embedApiKey, embedBaseUrl, baseUrl, apiKey } = this.config;
    if (provider === 'openai') return { authorization: `Bearer ${openaiApiKey}` };
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const url = new URL(this.endpointUrl() ?? 'http://localhost');
    const basicCredentials = basicAuthorization(url);
    const basic = basicCredentials ? { authorization: basicCredentials } : undefined;
    if (embedBaseUrl === undefined) return apiKey ? bearer(apiKey) : (basic ?? {});
    if (embedApiKey) return bearer(embedApiKey);
    if (basic) return basic;
    return apiKey && baseUrl && new URL(baseUrl).origin === url.origin ? bearer(apiKey) : {};
  }
}

function key(resolved: ResolvedModel): string {
  return `${resolved.provider}/${resolved.model}`;
}

/** The message of an OpenAI-style (`{error: {message}}`), TEI-style (`{error}`) or plain error body. */
function errorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = body.error as { message?: unknown } | string | undefined;
    const message =
      typeof error === 'string' ? error : (error?.message ?? body.message ?? body.detail ?? undefined);
    return message === undefined
      ? undefined
      : typeof message === 'string'
        ? message
        : JSON.stringify(message);
  } catch {
    return text.trim() ? text.trim() : undefined;
  }
}

function floatsOfBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0)
    throw new UpstreamError(`a base64 embedding of ${bytes.length} bytes is not float32`, 'malformed');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
