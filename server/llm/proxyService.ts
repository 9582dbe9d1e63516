import { setMaxListeners } from 'node:events';
import {
  GENERATE_DEFAULTS,
  LlmServiceError,
  type GenerateRequest,
  type GenerateResponse,
  type JudgeRequest,
  type JudgeResponse,
  type LlmService,
} from '../../src/core/teachers/llmApi';
import {
  buildHydePrompt,
  buildJudgePrompt,
  hydeText,
  JUDGE_MAX_TOKENS,
  parseVerbalizedRating,
  SCORING_VERSION,
  yesNoScore,
} from '../../src/core/teachers/llmScoring';
import { cacheKey, type TeacherCache } from './teacherCache';
import type { Upstream } from './upstream';
import { UpstreamError, type ResolvedModel } from './upstreamCommon';

/** The judge's sampling: deterministic, so that a cached score is the score. */
const JUDGE_TEMPERATURE = 0;
const JUDGE_SEED = 42;

type Outcome<T> = { value: T; error?: undefined } | { value: null; error: string; upstream: boolean };

/**
 * The teacher proxy's work, behind `POST /api/judge` and `/api/generate`, and what the CLI calls in-process
 * in direct mode: cache look-up, prompt, upstream call, scoring, cache write (successes only). The same
 * document asked twice at once is computed once. When the upstream failed for every item of a request the
 * request fails (502) with the first reason, which says what to check.
 */
export class ProxyLlmService implements LlmService {
  private readonly inflight = new Map<string, Promise<Outcome<number | string>>>();
  private readonly closing = new AbortController();

  constructor(
    readonly upstream: Upstream,
    readonly cache: TeacherCache | null,
  ) {
    // Every upstream call in flight or waiting listens to it.
    setMaxListeners(0, this.closing.signal);
  }

  async judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeResponse> {
    const resolved = this.upstream.resolve(request.model);
    const instruction = request.instruction ?? '';
    const callSignal = this.callSignal(signal);
    let cached = 0;
    const outcomes = await abortable(
      Promise.all(
        request.documents.map((document) => {
          const key = cacheKey([
            'judge',
            SCORING_VERSION,
            request.model,
            request.mode,
            instruction,
            request.query,
            document,
          ]);
          const hit = this.cache?.getScore(key);
          if (hit !== undefined) {
            cached++;
            return { value: hit } as Outcome<number>;
          }
          return this.once(key, () =>
            this.judgeOne(resolved, request, instruction, document, key, callSignal),
          );
        }),
      ),
      signal,
    );
    const result = collect(outcomes as Outcome<number>[], 'document');
    return { scores: result.values, errors: result.errors, cached };
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const resolved = this.upstream.resolve(request.model);
    if ((request.prompts === undefined) === (request.queries === undefined))
      throw new LlmServiceError('give either prompts or queries (one of the two)', 400);
    const prompts = request.prompts ?? (request.queries ?? []).map(buildHydePrompt);
    const maxTokens = request.max_tokens ?? GENERATE_DEFAULTS.max_tokens;
    const temperature = request.temperature ?? GENERATE_DEFAULTS.temperature;
    const seed = request.seed ?? GENERATE_DEFAULTS.seed;
    const callSignal = this.callSignal(signal);
    let cached = 0;
    const outcomes = await abortable(
      Promise.all(
        prompts.map((prompt) => {
          const key = cacheKey(['generate', request.model, prompt, maxTokens, temperature, seed]);
          const hit = this.cache?.getText(key);
          if (hit !== undefined) {
            cached++;
            return { value: hit } as Outcome<string>;
          }
          return this.once(key, async (): Promise<Outcome<string>> => {
            try {
              const reply = await this.upstream.chat(
                resolved,
                { prompt, maxTokens, temperature, seed, logprobs: false },
                callSignal,
              );
              const out = hydeText(reply.text);
              if (out.text === null) return { value: null, error: out.error, upstream: false };
              this.cache?.putText(key, request.model, out.text);
              return { value: out.text };
            } catch (error) {
              return failed(error);
            }
          });
        }),
      ),
      signal,
    );
    const result = collect(outcomes as Outcome<string>[], 'prompt');
    return { texts: result.values, errors: result.errors, cached };
  }

  /** Stops every upstream call in flight and closes the cache. */
  close(): void {
    this.closing.abort(new Error('the teacher proxy is shutting down'));
    this.cache?.close();
  }

  private async judgeOne(
    resolved: ResolvedModel,
    request: JudgeRequest,
    instruction: string,
    document: string,
    key: string,
    signal: AbortSignal,
  ): Promise<Outcome<number>> {
    try {
      const reply = await this.upstream.chat(
        resolved,
        {
          prompt: buildJudgePrompt(request.mode, request.query, document, instruction),
          maxTokens: JUDGE_MAX_TOKENS,
          temperature: JUDGE_TEMPERATURE,
          seed: JUDGE_SEED,
          logprobs: request.mode === 'yesno',
        },
        signal,
      );
      const outcome = request.mode === 'yesno' ? yesNoScore(reply.tokens) : parseVerbalizedRating(reply.text);
      if (outcome.score === null) return { value: null, error: outcome.error, upstream: false };
      this.cache?.putScore(key, request.model, request.mode, outcome.score);
      return { value: outcome.score };
    } catch (error) {
      return failed(error);
    }
  }

  /**
   * Upstream calls stop when the service closes, and when the caller cancels (the CLI's direct mode; the
   * server passes no signal, so a call another request also waits for is never cut short by one client).
   */
  private callSignal(signal?: AbortSignal): AbortSignal {
    if (!signal) return this.closing.signal;
    const combined = AbortSignal.any([this.closing.signal, signal]);
    setMaxListeners(0, combined);
    return combined;
  }

  private once<T extends number | string>(key: string, work: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    const running = this.inflight.get(key) as Promise<Outcome<T>> | undefined;
    if (running) return running;
    const promise = work().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }
}

function failed(error: unknown): { value: null; error: string; upstream: true } {
  if (error instanceof UpstreamError) return { value: null, error: error.message, upstream: true };
  throw error;
}

function collect<T>(
  outcomes: Outcome<T>[],
  what: string,
): { values: (T | null)[]; errors: (string | null)[] } {
  const upstreamFailures = outcomes.filter((o) => o.error !== undefined && o.upstream);
  if (outcomes.length > 0 && upstreamFailures.length === outcomes.length) {
    const first = upstreamFailures[0] as { error: string };
    throw new LlmServiceError(`the upstream failed for every ${what}: ${first.error}`, 502);
  }
  return {
    values: outcomes.map((o) => o.value),
    errors: outcomes.map((o) => (o.error === undefined ? null : o.error)),
  };
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
}
