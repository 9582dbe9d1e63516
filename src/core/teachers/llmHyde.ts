import { throwIfAborted, type LongTaskOptions } from '../progress';
import { GENERATE_DEFAULTS, type LlmService, type ThinkingMode } from './llmApi';

/** Writes one hypothetical document per query (HyDE): the `hyde` and `optimized_hyde` computation types. */
export interface HydeWriter {
  /** Model and settings, recorded in outputs. */
  readonly id: string;
  write(queries: string[], options?: LongTaskOptions): Promise<string[]>;
}

export interface LlmHydeOptions {
  model: string;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  /** The thinking switch sent with each request; undefined: the server's THINKING setting. */
  thinking?: ThinkingMode;
  /** Queries per `/api/generate` request (progress is reported per request). */
  queriesPerRequest?: number;
}

/**
 * HyDE through the teacher proxy (`POST /api/generate` with `queries`): the server wraps each query in its
 * HyDE prompt; 256 tokens at temperature 0.7 by default, as the reference. Like the reference, a run needs
 * every passage: a query the LLM wrote nothing for fails the run with the reason.
 */
export class LlmHydeWriter implements HydeWriter {
  readonly id: string;

  constructor(
    private readonly service: LlmService,
    private readonly options: LlmHydeOptions,
  ) {
    if (!options.model.trim()) throw new Error('the HyDE model needs a name');
    this.id = `hyde:${options.model}`;
  }

  async write(queries: string[], options: LongTaskOptions = {}): Promise<string[]> {
    const per = Math.max(1, this.options.queriesPerRequest ?? 50);
    const texts: string[] = [];
    const failed: string[] = [];
    const total = Math.ceil(queries.length / per);
    options.onProgress?.({ stage: 'hyde', done: 0, total });
    for (let from = 0; from < queries.length; from += per) {
      throwIfAborted(options.signal);
      const chunk = queries.slice(from, from + per);
      const response = await this.service.generate(
        {
          model: this.options.model,
          queries: chunk,
          max_tokens: this.options.maxTokens ?? GENERATE_DEFAULTS.max_tokens,
          temperature: this.options.temperature ?? GENERATE_DEFAULTS.temperature,
          seed: this.options.seed ?? GENERATE_DEFAULTS.seed,
          ...(this.options.thinking ? { thinking: this.options.thinking } : {}),
        },
        options.signal,
      );
      chunk.forEach((query, k) => {
        const text = response.texts[k];
        if (typeof text === 'string' && text.trim()) texts.push(text);
        else {
          texts.push('');
          failed.push(`"${query.slice(0, 60)}": ${response.errors[k] ?? 'no text'}`);
        }
      });
      options.onProgress?.({ stage: 'hyde', done: from / per + 1, total });
    }
    if (failed.length)
      throw new Error(
        `HyDE: ${this.options.model} wrote no passage for ${failed.length} of ${queries.length} queries ` +
          `(first: ${failed[0]})`,
      );
    return texts;
  }
}
