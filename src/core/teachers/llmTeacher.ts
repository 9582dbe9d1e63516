import { throwIfAborted, type LongTaskOptions } from '../progress';
import { LLM_LIMITS, type JudgeMode, type LlmService, type ThinkingMode } from './llmApi';
import type { Teacher, TeacherBatch, TeacherScores } from './types';

export interface LlmTeacherOptions {
  /** `OpenAI/<model>`, `LiteLLM/<model>` or a bare name (see DESIGN.md, "The teacher proxy"). */
  model: string;
  mode: JudgeMode;
  /** Sent with every request; undefined: the server's THINKING setting. */
  thinking?: ThinkingMode;
  /** Judge requests (one per query) in flight at once; the service bounds the upstream calls itself. */
  parallelRequests?: number;
}

/**
 * The LLM teacher: asks the teacher proxy (`LlmService`: over HTTP, or the server's code in-process) to
 * score each query's sampled documents. Yes/no scores are P(yes) in [0, 1]; verbalized ratings, which the
 * proxy returns scaled to [0, 1], are handed to the optimizer on the reference's own 0–100 scale (its
 * softmax target is far sharper on 0–100 than on [0, 1]). The task instruction is given for classification
 * datasets only (as the reference's get_llm_task_instruction); the truefalse mode's fixed prompt has none.
 * Documents the LLM could not score are null with the reason; a run where it scored none fails with the
 * first reason, which says what to fix. Content-filter refusals (0.5 in yes/no mode) are counted per query.
 */
export class LlmTeacher implements Teacher {
  readonly id: string;
  /** How it scores (config.json records it). */
  readonly mode: JudgeMode;
  /** Half the scale: P(yes) > 0.5, or a rating > 50. */
  readonly relevanceThreshold: number;
  private readonly parallel: number;
  private readonly scale: number;

  constructor(
    private readonly service: LlmService,
    private readonly options: LlmTeacherOptions,
  ) {
    if (!options.model.trim()) throw new Error('the LLM teacher needs a model name (llm:<model>)');
    this.id = `llm:${options.model}`;
    this.mode = options.mode;
    this.parallel = Math.max(1, options.parallelRequests ?? 4);
    this.scale = options.mode === 'verbalized' ? 100 : 1;
    this.relevanceThreshold = 0.5 * this.scale;
  }

  async score(batch: TeacherBatch, options: LongTaskOptions = {}): Promise<TeacherScores[]> {
    const instruction =
      batch.task === 'classification' && this.options.mode !== 'truefalse' ? batch.instruction : '';
    const results: TeacherScores[] = batch.items.map((item) => ({
      scores: item.documents.map(() => null),
      errors: item.documents.map(() => null),
      contentFiltered: 0,
    }));
    const jobs: { item: number; from: number; to: number }[] = [];
    batch.items.forEach((item, i) => {
      for (let from = 0; from < item.documents.length; from += LLM_LIMITS.maxDocuments)
        jobs.push({ item: i, from, to: Math.min(item.documents.length, from + LLM_LIMITS.maxDocuments) });
    });
    const total = jobs.length;
    let done = 0;
    options.onProgress?.({ stage: 'teacher', done, total });

    // The first failed request cancels the others: it is a server or configuration problem, not one query's.
    const stop = new AbortController();
    const onAbort = () => stop.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let failure: unknown;
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && failure === undefined) {
        const job = jobs[next++];
        const item = batch.items[job.item];
        try {
          throwIfAborted(options.signal);
          const response = await this.service.judge(
            {
              model: this.options.model,
              mode: this.options.mode,
              instruction,
              query: item.queryText,
              documents: item.documents.slice(job.from, job.to).map((d) => d.text),
              ...(this.options.thinking ? { thinking: this.options.thinking } : {}),
            },
            stop.signal,
          );
          for (let k = job.from; k < job.to; k++) {
            const score = response.scores[k - job.from];
            results[job.item].scores[k] =
              typeof score === 'number' && Number.isFinite(score)
                ? Math.round(score * this.scale * 1e6) / 1e6
                : null;
            results[job.item].errors[k] =
              results[job.item].scores[k] === null
                ? (response.errors[k - job.from] ?? 'the teacher server returned no score')
                : null;
          }
          results[job.item].contentFiltered =
            (results[job.item].contentFiltered ?? 0) + response.content_filtered;
        } catch (error) {
          if (failure === undefined) failure = error;
          stop.abort(error);
          return;
        }
        options.onProgress?.({ stage: 'teacher', done: ++done, total });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.parallel, jobs.length) }, worker));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    throwIfAborted(options.signal);
    if (failure !== undefined) throw failure;

    const documents = results.reduce((n, r) => n + r.scores.length, 0);
    const scored = results.reduce((n, r) => n + r.scores.filter((s) => s !== null).length, 0);
    if (documents > 0 && scored === 0) {
      const reason = results.flatMap((r) => r.errors).find((e) => e !== null);
      throw new Error(
        `the LLM teacher (${this.options.model}) scored none of ${documents} documents: ${reason}`,
      );
    }
    return results;
  }
}
