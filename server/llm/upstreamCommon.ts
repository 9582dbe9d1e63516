import { LlmServiceError } from '../../src/core/teachers/llmApi';
import { withRetries } from '../../src/core/retry';
import type { Redactor } from './redact';
import type { UpstreamConfig } from '../config';
import { Semaphore } from './semaphore';

/**
 * What the LLM upstream (upstream.ts) and the embeddings upstream (embeddingUpstream.ts) share: how a model
 * name picks its provider, the errors and their retry policy, and the URL, credentials and messages of an
 * OpenAI-compatible server.
 */

export type ProviderName = 'openai' | 'base_url';

export interface ResolvedModel {
  provider: ProviderName;
  /** The model name sent upstream (prefix removed). */
  model: string;
}

/** `OpenAI/<model>` is OpenAI's; `LiteLLM/<model>` and bare names are BASE_URL's. A 400 when no name is left. */
export function splitModelName(name: string): ResolvedModel {
  const prefixed = /^(OpenAI|LiteLLM)\/(.*)$/s.exec(name);
  const provider: ProviderName = prefixed?.[1] === 'OpenAI' ? 'openai' : 'base_url';
  const model = (prefixed ? prefixed[2] : name).trim();
  if (!model) throw new LlmServiceError(`model "${name}" has no name after its prefix`, 400);
  return { provider, model };
}

/**
 * `splitModelName(name)` where its provider is configured; else a 503 LlmServiceError with that provider's
 * `missing` message (what to set).
 */
export function resolveConfiguredModel(
  name: string,
  configured: Record<ProviderName, boolean>,
  missing: Record<ProviderName, () => string>,
): ResolvedModel {
  const resolved = splitModelName(name);
  if (!configured[resolved.provider]) throw new LlmServiceError(missing[resolved.provider](), 503);
  return resolved;
}

export type UpstreamErrorKind =
  | 'connection'
  | 'timeout'
  | 'rate_limit'
  | 'server'
  | 'auth'
  | 'not_found'
  | 'bad_request'
  | 'malformed'
  /** The upstream's content filter refused the prompt (not retried; the judge scores it as the reference). */
  | 'content_filter'
  | 'cancelled'
  | 'internal';

const RETRYABLE: ReadonlySet<UpstreamErrorKind> = new Set([
  'connection',
  'timeout',
  'rate_limit',
  'server',
  'malformed',
]);

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly kind: UpstreamErrorKind,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export interface UpstreamRetryOptions<T> {
  /** How many times a retryable failure is tried again. */
  retries: number;
  /** The first backoff; it doubles with each retry (plus up to 25 % jitter), unless the upstream names one. */
  retryDelayMs: number;
  /** Cleans the message of an error that is not an UpstreamError (it becomes an 'internal' one). */
  redactor: Redactor;
  signal?: AbortSignal;
  /**
   * Looked at before the retry policy: 'again' to repeat the attempt at once, not counted as a retry (the
   * request was changed after a refusal); a result that stands for the attempt's; undefined to go on.
   */
  recover?: (error: unknown) => 'again' | Promise<T> | undefined;
}

/** `attempt`'s result, retried with exponential backoff on retryable UpstreamErrors; throws an UpstreamError. */
export function withUpstreamRetries<T>(
  attempt: () => Promise<T>,
  options: UpstreamRetryOptions<T>,
): Promise<T> {
  const { retries, retryDelayMs, redactor, signal, recover } = options;
  // A recovery is part of its attempt: 'again' repeats it at once, without counting as a retry.
  const recovering = async (): Promise<T> => {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        const recovered = recover?.(error);
        if (recovered === 'again') continue;
        if (recovered) return recovered;
        throw error;
      }
    }
  };
  return withRetries(recovering, {
    retries,
    signal,
    failure: (error, retry) => {
      const failure =
        error instanceof UpstreamError ? error : new UpstreamError(cleanMessage(error, redactor), 'internal');
      const backoff = retryDelayMs * 2 ** retry * (1 + Math.random() * 0.25);
      return {
        error: failure,
        retryable: failure.retryable,
        delayMs: Math.min(failure.retryAfterMs ?? backoff, 30_000),
      };
    },
    giveUp: (failure, made) =>
      made === 0 ? failure : new UpstreamError(`${failure.message} (after ${made} retries)`, failure.kind),
  });
}

/**
 * What the LLM and the embeddings upstream classes are built on: the configuration, one bound on concurrent
 * calls, and the redactor for every text that quotes an upstream; `call` makes each call within the bound,
 * retried as configured.
 */
export abstract class UpstreamClient {
  readonly semaphore: Semaphore;

  protected constructor(
    protected readonly config: UpstreamConfig,
    /** Every text that quotes an upstream (errors, a model's reply) goes through it before it is shown. */
    readonly redactor: Redactor,
    protected readonly warn: (message: string) => void,
    concurrency: number,
  ) {
    this.semaphore = new Semaphore(concurrency);
  }

  /** `attempt` once the bound lets it run, retried as `withUpstreamRetries` says; throws an UpstreamError. */
  protected call<T>(
    attempt: () => Promise<T>,
    signal?: AbortSignal,
    recover?: UpstreamRetryOptions<T>['recover'],
  ): Promise<T> {
    return withUpstreamRetries(() => this.semaphore.run(attempt, signal), {
      retries: this.config.retries,
      retryDelayMs: this.config.retryDelayMs,
      redactor: this.redactor,
      signal,
      recover,
    });
  }
}

export function timeoutError(where: string, timeoutMs: number): UpstreamError {
  return new UpstreamError(
    `${where} did not answer within ${timeoutMs / 1000} s (raise TIMEOUT if it is just slow)`,
    'timeout',
  );
}

/**
 * Whether `error` is a reply whose body stopped before its end (undici's "terminated": the connection closed
 * mid-body). It is retried like a failed connection.
 */
export function isCutOff(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return (
    error instanceof TypeError &&
    (error.message === 'terminated' || cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET')
  );
}

export function cutOffError(where: string): UpstreamError {
  return new UpstreamError(
    `${where} cut its reply off before the end (the connection closed mid-body); check the upstream's logs, ` +
      'or a proxy between it and this machine',
    'connection',
  );
}

/** A failed connection, with the system's error code (ECONNREFUSED, ENOTFOUND…) when the error has one. */
export function connectionError(where: string, error: unknown, hint: string): UpstreamError {
  const cause = (error as { cause?: { code?: unknown; cause?: { code?: unknown } } }).cause;
  const code = cause?.code ?? cause?.cause?.code;
  return new UpstreamError(
    `cannot reach ${where}${typeof code === 'string' ? ` (${code})` : ''}: ${hint}`,
    'connection',
  );
}

export interface StatusContext {
  /** The upstream, as `describe` names it. */
  where: string;
  /** The upstream's error message, redacted. */
  detail: string;
  /** A 429's wait, from its Retry-After. */
  retryAfterMs: number | undefined;
  /** The setting that bounds concurrent calls, for a 429. */
  concurrencySetting: string;
  /** The setting(s) the key comes from, for a 401 or 403. */
  keySetting: string;
  /** The message of a 404. */
  notFound: string;
}

/** The UpstreamError of an HTTP error status, saying what to check. */
export function statusError(status: number, context: StatusContext): UpstreamError {
  const { where, detail } = context;
  if (status === 429)
    return new UpstreamError(
      `${where} is rate-limiting (HTTP 429); lower ${context.concurrencySetting} or try later`,
      'rate_limit',
      context.retryAfterMs,
    );
  if (status >= 500 || status === 408 || status === 409)
    return new UpstreamError(`${where} failed (HTTP ${status}): ${detail}`, 'server');
  if (status === 401 || status === 403)
    return new UpstreamError(
      `${where} refused the key (HTTP ${status}): check ${context.keySetting}`,
      'auth',
    );
  if (status === 404) return new UpstreamError(context.notFound, 'not_found');
  return new UpstreamError(`${where} refused the request (HTTP ${status}): ${detail}`, 'bad_request');
}

/** An OpenAI-compatible server's API root: `url` without credentials, "/v1" appended when missing. */
export function v1Root(url: string): string {
  const root = new URL(url);
  root.username = '';
  root.password = '';
  const pathname = root.pathname.replace(/\/+$/, '');
  root.pathname = pathname.endsWith('/v1') ? pathname : `${pathname}/v1`;
  return root.toString();
}

/** The Basic authorization of a URL's user:password (fetch refuses URLs with credentials); none without. */
export function basicAuthorization(url: URL): string | undefined {
  if (!url.username) return undefined;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/** An error's message redacted and cut to 500 characters, to be shown or logged. */
export function cleanMessage(error: unknown, redactor: Redactor): string {
  // Redacted before it is cut, so that the cut cannot leave half a key that the redactor no longer knows.
  const text = redactor.redact(error instanceof Error ? error.message : String(error));
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
