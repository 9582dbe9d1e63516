import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import type { ThinkingMode } from '../../src/core/teachers/llmApi';
import {
  isContentFilterMessage,
  TOP_LOGPROBS,
  type GeneratedToken,
} from '../../src/core/teachers/llmScoring';
import type { UpstreamConfig } from '../config';
import { publicUrl, type Redactor } from './redact';
import {
  basicAuthorization,
  cleanMessage,
  connectionError,
  cutOffError,
  isCutOff,
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
 * The upstream LLMs, reached with the `openai` client: `OpenAI/<model>` at OpenAI with OPENAI_API_KEY,
 * `LiteLLM/<model>` and bare names at BASE_URL with API_KEY (as the reference). Every call goes through one
 * concurrency bound, has a time-out, and is retried with exponential backoff on 429, 5xx, time-outs,
 * connection errors and malformed replies. Errors carry a message that says what to check, with no secret.
 */

export interface ChatRequest {
  prompt: string;
  maxTokens: number;
  /** Undefined: no temperature is sent (the server's default), as the reference's judges. */
  temperature?: number;
  seed: number;
  /** Ask for the generated tokens' top log-probabilities. */
  logprobs: boolean;
  /** Which models are asked to switch their thinking off (see `thinkingSwitch`). */
  thinking: ThinkingMode;
}

/** A raw-prompt completion (`/v1/completions`, no chat template), for FollowIR-7B. */
export interface CompletionRequest {
  prompt: string;
  maxTokens: number;
  /** How many top log-probabilities of each generated token (the completions API's `logprobs: N`). */
  logprobs: number;
}

export interface CompletionReply {
  text: string | null;
  /** The first generated token's top log-probabilities, `{token text: logprob}`; null when none came. */
  topLogprobs: Record<string, number> | null;
}

export interface ChatReply {
  text: string | null;
  /** With `logprobs`: the generated tokens and their alternatives; null when the upstream sent none. */
  tokens: GeneratedToken[] | null;
}

/** OpenAI's reasoning models: no way to switch thinking off, but it can be made minimal. */
const OPENAI_REASONING_MODELS = /^(?:o\d|gpt-5)/i;

const TopLogprob = z.object({ token: z.string(), logprob: z.number() });
const Completion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional() }).nullable().optional(),
        logprobs: z
          .object({
            content: z
              .array(
                z.object({
                  token: z.string(),
                  logprob: z.number().optional(),
                  top_logprobs: z.array(TopLogprob).nullable().optional(),
                }),
              )
              .nullable()
              .optional(),
          })
          .nullable()
          .optional(),
      }),
    )
    .min(1),
});
const TextCompletion = z.object({
  choices: z
    .array(
      z.object({
        text: z.string().nullable().optional(),
        logprobs: z
          .object({
            top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullable().optional(),
          })
          .nullable()
          .optional(),
      }),
    )
    .min(1),
});

/**
 * The field that bounds the reply's length: as the reference, `max_completion_tokens` when the API is at
 * api.openai.com (its newer models refuse max_tokens), `max_tokens` everywhere else.
 */
export function maxTokensField(apiRoot: string): 'max_completion_tokens' | 'max_tokens' {
  return new URL(apiRoot).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';
}

export class Upstream extends UpstreamClient {
  private readonly clients = new Map<ProviderName, OpenAI>();
  /** Models whose server refused the thinking switch: it is not sent to them again. */
  private readonly switchRefused = new Set<string>();

  constructor(config: UpstreamConfig, redactor: Redactor, warn: (message: string) => void = () => {}) {
    super(config, redactor, warn, config.concurrency);
  }

  /** The thinking switch of requests that name none (THINKING). */
  get defaultThinking(): ThinkingMode {
    return this.config.thinking;
  }

  /** Which provider serves `name`; a 503 LlmServiceError saying what to set when none is configured. */
  resolve(name: string): ResolvedModel {
    return resolveConfiguredModel(
      name,
      { openai: Boolean(this.config.openaiApiKey), base_url: Boolean(this.config.baseUrl) },
      {
        openai: () =>
          `model "${name}" needs OPENAI_API_KEY: set it in the environment of the teacher server ` +
          '(or of the CLI, when it calls the upstream directly) and restart it',
        base_url: () =>
          `no upstream for model "${name}": set BASE_URL to an OpenAI-compatible server (LiteLLM, vLLM, ` +
          'llama.cpp, Ollama) and API_KEY if it needs one, then restart; or use OpenAI/<model> with OPENAI_API_KEY',
      },
    );
  }

  /** Where a provider is, for messages and /api/config: never with credentials. */
  describe(provider: ProviderName): string {
    return provider === 'openai'
      ? `OpenAI (${publicUrl(this.config.openaiBaseUrl)})`
      : `the upstream at ${publicUrl(this.baseUrl())}`;
  }

  /** One chat completion, retried as configured; throws an UpstreamError. */
  async chat(resolved: ResolvedModel, request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    const recover = (error: unknown) =>
      error instanceof UpstreamError &&
      error.kind === 'bad_request' &&
      this.refusedSwitch(resolved, request.thinking, error)
        ? ('again' as const)
        : undefined;
    return this.call(() => this.attempt(resolved, request, signal), signal, recover);
  }

  private async attempt(
    resolved: ResolvedModel,
    request: ChatRequest,
    signal?: AbortSignal,
  ): Promise<ChatReply> {
    const body: Record<string, unknown> = {
      model: resolved.model,
      messages: [{ role: 'user', content: request.prompt }],
      seed: request.seed,
    };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    body[maxTokensField(this.apiRoot(resolved.provider))] = request.maxTokens;
    if (request.logprobs) {
      body.logprobs = true;
      body.top_logprobs = TOP_LOGPROBS;
    }
    Object.assign(body, this.thinkingSwitch(resolved, request.thinking));

    const reply = await this.request(
      resolved,
      signal,
      (client, options) =>
        client.chat.completions.create(
          body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
          options,
        ),
      {
        schema: Completion,
        is: 'a chat completion',
        hint: 'check that BASE_URL is an OpenAI-compatible /v1 endpoint',
      },
    );
    const choice = reply.choices[0];
    const content = choice.logprobs?.content;
    return {
      text: choice.message?.content ?? null,
      tokens: content
        ? content.map((t) => ({ token: t.token, logprob: t.logprob, top_logprobs: t.top_logprobs ?? [] }))
        : null,
    };
  }

  /**
   * One raw-prompt completion (`POST /v1/completions`: the prompt goes to the model as it is, with no chat
   * template), retried as configured; throws an UpstreamError. Neither temperature nor seed is sent: only the
   * first token's log-probabilities are read.
   */
  async complete(
    resolved: ResolvedModel,
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<CompletionReply> {
    return this.call(() => this.attemptCompletion(resolved, request, signal), signal);
  }

  private async attemptCompletion(
    resolved: ResolvedModel,
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<CompletionReply> {
    const body = {
      model: resolved.model,
      prompt: request.prompt,
      max_tokens: request.maxTokens,
      logprobs: request.logprobs,
    };
    const reply = await this.request(
      resolved,
      signal,
      (client, options) => client.completions.create(body, options),
      {
        schema: TextCompletion,
        is: 'a text completion',
        hint: 'the truefalse mode needs an OpenAI-compatible /v1/completions endpoint (vLLM)',
      },
    );
    const choice = reply.choices[0];
    return { text: choice.text ?? null, topLogprobs: choice.logprobs?.top_logprobs?.[0] ?? null };
  }

  /**
   * One request with the provider's client (its time-out, no retries of its own: `call` retries), failures
   * classified; the reply checked against `reply.schema`, else a 'malformed' error that names what it is not.
   */
  private async request<S extends z.ZodTypeAny>(
    resolved: ResolvedModel,
    signal: AbortSignal | undefined,
    create: (
      client: OpenAI,
      options: { signal?: AbortSignal; timeout: number; maxRetries: 0 },
    ) => Promise<unknown>,
    reply: { schema: S; is: string; hint: string },
  ): Promise<z.infer<S>> {
    let raw: unknown;
    try {
      raw = await create(this.client(resolved.provider), {
        signal,
        timeout: this.config.timeoutMs,
        maxRetries: 0,
      });
    } catch (error) {
      throw this.classify(error, resolved);
    }
    const parsed = reply.schema.safeParse(raw);
    if (!parsed.success)
      throw new UpstreamError(
        `${this.describe(resolved.provider)} sent a reply that is not ${reply.is} ` +
          `(${typeof raw === 'string' ? 'not JSON' : 'fields missing'}); ${reply.hint}`,
        'malformed',
      );
    return parsed.data;
  }

  /**
   * The request fields that switch thinking off. `reference`: as the reference code, chat_template_kwargs
   * {enable_thinking: false} for model names that contain "Qwen" (case as written), whatever the provider.
   * `off`: every model; vLLM, SGLang and llama.cpp hand chat_template_kwargs to the chat template (Qwen3 and
   * most hybrid models read enable_thinking, DeepSeek-V3.1 and Granite read thinking; LiteLLM forwards it);
   * OpenAI takes none, but its reasoning models can be made to reason minimally. `on`: nothing is sent.
   */
  private thinkingSwitch(resolved: ResolvedModel, mode: ThinkingMode): Record<string, unknown> {
    if (mode === 'on' || this.switchRefused.has(`${resolved.provider}/${resolved.model}`)) return {};
    if (mode === 'reference')
      return resolved.model.includes('Qwen') ? { chat_template_kwargs: { enable_thinking: false } } : {};
    if (resolved.provider === 'openai')
      return OPENAI_REASONING_MODELS.test(resolved.model) ? { reasoning_effort: 'minimal' } : {};
    return { chat_template_kwargs: { enable_thinking: false, thinking: false } };
  }

  /** True (and the switch is dropped for this model) when a 400 says the server does not take the switch. */
  private refusedSwitch(resolved: ResolvedModel, mode: ThinkingMode, failure: UpstreamError): boolean {
    const key = `${resolved.provider}/${resolved.model}`;
    if (this.switchRefused.has(key) || Object.keys(this.thinkingSwitch(resolved, mode)).length === 0)
      return false;
    if (
      !/chat_template_kwargs|enable_thinking|reasoning_effort|unrecognized|unsupported|extra/i.test(
        failure.message,
      )
    )
      return false;
    this.switchRefused.add(key);
    this.warn(
      `${this.describe(resolved.provider)} refused the thinking switch for ${resolved.model}; sending none`,
    );
    return true;
  }

  private baseUrl(): string {
    return v1Root(this.config.baseUrl ?? 'http://localhost');
  }

  private apiRoot(provider: ProviderName): string {
    return provider === 'openai' ? this.config.openaiBaseUrl : this.baseUrl();
  }

  private client(provider: ProviderName): OpenAI {
    let client = this.clients.get(provider);
    if (client) return client;
    const common = { maxRetries: 0, timeout: this.config.timeoutMs, logLevel: 'off' as const };
    if (provider === 'openai') {
      client = new OpenAI({
        ...common,
        apiKey: this.config.openaiApiKey,
        baseURL: this.config.openaiBaseUrl,
      });
    } else {
      // Without API_KEY, user:password in BASE_URL becomes a Basic header.
      const basic = basicAuthorization(new URL(this.config.baseUrl ?? ''));
      client = new OpenAI({
        ...common,
        apiKey: this.config.apiKey ?? 'EMPTY',
        baseURL: this.baseUrl(),
        ...(basic && !this.config.apiKey ? { defaultHeaders: { Authorization: basic } } : {}),
      });
    }
    this.clients.set(provider, client);
    return client;
  }

  private classify(error: unknown, resolved: ResolvedModel): UpstreamError {
    const where = this.describe(resolved.provider);
    if (error instanceof APIUserAbortError) return new UpstreamError('cancelled', 'cancelled');
    if (error instanceof APIConnectionTimeoutError) return timeoutError(where, this.config.timeoutMs);
    if (isCutOff(error)) return cutOffError(where);
    if (error instanceof APIConnectionError)
      return connectionError(
        where,
        error,
        resolved.provider === 'openai'
          ? 'check the network'
          : 'check BASE_URL and that the server is running',
      );
    if (error instanceof SyntaxError)
      return new UpstreamError(`${where} sent malformed JSON instead of a chat completion`, 'malformed');
    // As the reference (which looks for the words in the whole error), whatever the status.
    if (
      error instanceof APIError &&
      isContentFilterMessage(`${error.message} ${JSON.stringify(error.error)}`)
    )
      return new UpstreamError(
        `${where} refused the prompt with its content filter: ${cleanMessage(error.message, this.redactor)}`,
        'content_filter',
      );
    if (error instanceof APIError) {
      // No header must mean "back off as usual", not Number(null) = 0 (an immediate retry).
      const header = error.headers?.get('retry-after');
      const after = header == null || header.trim() === '' ? NaN : Number(header);
      return statusError(error.status ?? 0, {
        where,
        detail: cleanMessage(error.message, this.redactor),
        retryAfterMs: Number.isFinite(after) && after >= 0 ? after * 1000 : undefined,
        concurrencySetting: 'CONCURRENCY',
        keySetting: resolved.provider === 'openai' ? 'OPENAI_API_KEY' : 'API_KEY',
        notFound:
          `${where} has no model "${resolved.model}" (HTTP 404): check the model name` +
          (resolved.provider === 'base_url' ? ' and BASE_URL' : ''),
      });
    }
    return new UpstreamError(`${where}: ${cleanMessage(error, this.redactor)}`, 'internal');
  }
}
