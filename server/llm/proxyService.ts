import { setMaxListeners } from 'node:events';
import {
  GENERATE_DEFAULTS,
  LlmServiceError,
  type GenerateRequest,
  type GenerateResponse,
  type JudgeRequest,
  type JudgeResponse,
  type LlmService,
  type ThinkingMode,
} from '../../src/core/teachers/llmApi';
import { buildFollowIrPrompt, buildHydePrompt, buildJudgePrompt } from '../../src/core/teachers/llmPrompts';
import {
  CONTENT_FILTER_SCORE,
  hydeText,
  JUDGE_MAX_TOKENS,
  LLM_SEED,
  parseVerbalizedRating,
  SCORING_VERSION,
  trueFalseScore,
  TRUEFALSE_LOGPROBS,
  TRUEFALSE_MAX_TOKENS,
  yesNoScore,
  type ScoreOutcome,
} from '../../src/core/teachers/llmScoring';
import type { Redactor } from './redact';
import { cacheKey, type TeacherCache } from './teacherCache';
import type { Upstream } from './upstream';
import { UpstreamError, type ResolvedModel } from './upstreamCommon';
import { abortable } from '../../src/core/progress';

/** `filtered`: the upstream's content filter refused the prompt. */
type Outcome<T> =
  | { value: T; error?: undefined; filtered?: boolean }
  | { value: null; error: string; upstream: boolean; filtered?: boolean };

/** One upstream computation that several requests may wait for; cancelled when none waits any more. */
interface SharedWork {
  promise: Promise<Outcome<number | string>>;
  controller: AbortController;
  waiters: number;
}

/**
 * The teacher proxy's work, behind `POST /api/judge` and `/api/generate`, and what the CLI calls in-process
 * in direct mode: cache look-up, prompt, upstream call, scoring, cache write (successes only). The same
 * document asked twice at once is computed once. When the upstream failed for every item of a request the
 * request fails (502) with the first reason, which says what to check.
 */
export class ProxyLlmService implements LlmService {
  private readonly inflight = new Map<string, SharedWork>();
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
    // FollowIR's fixed prompt has no task instruction, and a raw completion no chat template to switch.
    const rawPrompt = request.mode === 'truefalse';
    const instruction = rawPrompt ? '' : (request.instruction ?? '');
    const thinking = request.thinking ?? this.upstream.defaultThinking;
    signal?.throwIfAborted();
    let cached = 0;
    const outcomes = await abortable(
      Promise.all(
        request.documents.map((document) => {
          const key = cacheKey([
            'judge',
            SCORING_VERSION,
            request.model,
            request.mode,
            rawPrompt ? '' : thinking,
            instruction,
            request.query,
            document,
          ]);
          const hit = this.cache?.getScore(key);
          if (hit !== undefined) {
            cached++;
            return { value: hit } as Outcome<number>;
          }
          return this.once(
            key,
            (callSignal) =>
              this.judgeOne(resolved, request, { instruction, thinking }, document, key, callSignal),
            signal,
          );
        }),
      ),
      signal,
    );
    const result = collect(outcomes as Outcome<number>[], 'document', this.upstream.redactor);
    const contentFiltered = outcomes.filter((o) => o.filtered).length;
    return { scores: result.values, errors: result.errors, cached, content_filtered: contentFiltered };
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const resolved = this.upstream.resolve(request.model);
    if ((request.prompts === undefined) === (request.queries === undefined))
      throw new LlmServiceError('give either prompts or queries (one of the two)', 400);
    const prompts = request.prompts ?? (request.queries ?? []).map(buildHydePrompt);
    const maxTokens = request.max_tokens ?? GENERATE_DEFAULTS.max_tokens;
    const temperature = request.temperature ?? GENERATE_DEFAULTS.temperature;
    const seed = request.seed ?? GENERATE_DEFAULTS.seed;
    const thinking = request.thinking ?? this.upstream.defaultThinking;
    signal?.throwIfAborted();
    let cached = 0;
    const outcomes = await abortable(
      Promise.all(
        prompts.map((prompt) => {
          const key = cacheKey([
            'generate',
            SCORING_VERSION,
            request.model,
            thinking,
            prompt,
            maxTokens,
            temperature,
            seed,
          ]);
          const hit = this.cache?.getText(key);
          if (hit !== undefined) {
            cached++;
            return { value: hit } as Outcome<string>;
          }
          return this.once(
            key,
            async (callSignal): Promise<Outcome<string>> => {
              try {
                const reply = await this.upstream.chat(
                  resolved,
                  { prompt, maxTokens, temperature, seed, logprobs: false, thinking },
                  callSignal,
                );
                const out = hydeText(reply.text);
                if (out.text === null) return { value: null, error: out.error, upstream: false };
                this.cache?.putText(key, request.model, out.text);
                return { value: out.text };
              } catch (error) {
                return failed(error);
              }
            },
            signal,
          );
        }),
      ),
      signal,
    );
    const result = collect(outcomes as Outcome<string>[], 'prompt', this.upstream.redactor);
    return { texts: result.values, errors: result.errors, cached };
  }

  /** Stops every upstream call in flight and waiting (shutdown: the requests then answer at once). */
  cancel(): void {
    this.closing.abort(new Error('the teacher proxy is shutting down'));
  }

  /** Stops every upstream call and closes the cache (every score already given stays in it). */
  close(): void {
    this.cancel();
    this.cache?.close();
  }

  /**
   * One document's score with the reference's settings: yes/no and verbalized through the chat API (5 tokens,
   * seed 42, no temperature; yes/no with logprobs and 5 top log-probabilities), FollowIR's raw prompt through
   * the completions API. A content-filter refusal scores 0.5 in yes/no mode (as the reference) and is never
   * cached, so that every run counts it.
   */
  private async judgeOne(
    resolved: ResolvedModel,
    request: JudgeRequest,
    settings: { instruction: string; thinking: ThinkingMode },
    document: string,
    key: string,
    signal: AbortSignal,
  ): Promise<Outcome<number>> {
    let outcome: ScoreOutcome;
    try {
      if (request.mode === 'truefalse') {
        const reply = await this.upstream.complete(
          resolved,
          {
            prompt: buildFollowIrPrompt(request.query, document),
            maxTokens: TRUEFALSE_MAX_TOKENS,
            logprobs: TRUEFALSE_LOGPROBS,
          },
          signal,
        );
        outcome = trueFalseScore(reply.topLogprobs);
      } else {
        const reply = await this.upstream.chat(
          resolved,
          {
            prompt: buildJudgePrompt(request.mode, request.query, document, settings.instruction),
            maxTokens: JUDGE_MAX_TOKENS,
            seed: LLM_SEED,
            logprobs: request.mode === 'yesno',
            thinking: settings.thinking,
          },
          signal,
        );
        outcome = request.mode === 'yesno' ? yesNoScore(reply.tokens) : parseVerbalizedRating(reply.text);
      }
    } catch (error) {
      if (error instanceof UpstreamError && error.kind === 'content_filter')
        return request.mode === 'yesno'
          ? { value: CONTENT_FILTER_SCORE, filtered: true }
          : { value: null, error: error.message, upstream: false, filtered: true };
      return failed(error);
    }
    if (outcome.score === null) return { value: null, error: outcome.error, upstream: false };
    this.cache?.putScore(key, request.model, request.mode, outcome.score);
    return { value: outcome.score };
  }

  /**
   * `work` for `key`, run once however many requests ask for it at the same time. Its upstream calls (queued
   * or in flight) stop when the service closes, or when every request waiting for it was cancelled (`signal`:
   * the client went away, or its time budget ran out); a call another request still waits for goes on.
   */
  private once<T extends number | string>(
    key: string,
    work: (signal: AbortSignal) => Promise<Outcome<T>>,
    signal?: AbortSignal,
  ): Promise<Outcome<T>> {
    let shared = this.inflight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const callSignal = AbortSignal.any([this.closing.signal, controller.signal]);
      setMaxListeners(0, callSignal);
      const promise = work(callSignal).finally(() => this.inflight.delete(key));
      shared = { promise, controller, waiters: 0 };
      this.inflight.set(key, shared);
    }
    const entry = shared;
    entry.waiters++;
    if (signal) {
      // A waiter without a signal waits to the end, so the work is never cancelled under it.
      const leave = () => {
        if (--entry.waiters === 0) entry.controller.abort(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      void entry.promise.finally(() => signal.removeEventListener('abort', leave));
    }
    return entry.promise as Promise<Outcome<T>>;
  }
}

function failed(error: unknown): { value: null; error: string; upstream: true } {
  if (error instanceof UpstreamError) return { value: null, error: error.message, upstream: true };
  throw error;
}

/** The values and errors of a request; every error quotes an upstream or a model's reply, so it is redacted. */
function collect<T>(
  outcomes: Outcome<T>[],
  what: string,
  redactor: Redactor,
): { values: (T | null)[]; errors: (string | null)[] } {
  const upstreamFailures = outcomes.filter((o) => o.error !== undefined && o.upstream);
  if (outcomes.length > 0 && upstreamFailures.length === outcomes.length) {
    const first = upstreamFailures[0] as { error: string };
    throw new LlmServiceError(redactor.redact(`the upstream failed for every ${what}: ${first.error}`), 502);
  }
  return {
    values: outcomes.map((o) => o.value),
    errors: outcomes.map((o) => (o.error === undefined ? null : redactor.redact(o.error))),
  };
}
