import type { EmbeddingDtype } from '../embedding/modelRegistry';
import { describeModel, modelLocation } from '../embedding/transformersModelLoading';
import { TransformersModelRunner } from '../embedding/transformersModelRunner';
import type { EmbeddingDevice } from '../embedding/transformersRuntime';
import { throwIfAborted, type LongTaskOptions, type ProgressListener } from '../progress';
import {
  applyActivation,
  CROSS_ENCODER_WORDING,
  loadCrossEncoder,
  type CrossEncoderModelSpec,
  type LoadedCrossEncoder,
  type ScoreActivation,
  type TextPair,
} from './crossEncoderModel';
import type { Teacher, TeacherBatch, TeacherScores } from './types';

export interface CrossEncoderTeacherOptions {
  /** Default `cpu` (Node); browsers pass `webgpu` or `wasm` (see src/app/compute/embeddingDevice.ts). */
  device?: EmbeddingDevice;
  /** Tried, with a note, when the model cannot load or run on `device` (WebGPU → WASM). */
  fallbackDevice?: EmbeddingDevice;
  /** Default fp32. */
  dtype?: EmbeddingDtype;
  /** Pairs per model call (default 32); halved automatically when a batch runs out of memory. */
  batchSize?: number;
  /** Download progress of the model's files (bytes). */
  onLoadProgress?: ProgressListener;
  /** Called with each note (fallbacks) as it happens; notes are also kept in `notes`. */
  onNote?: (note: string) => void;
}

const DEFAULT_BATCH_SIZE = 32;

/**
 * The cross-encoder teacher (the reference's ReFIT reranker): a sequence-classification model scores each
 * (query, document) pair of the sample, and its output is the teacher's score — the raw logit for
 * cross-encoder/ms-marco-* (whose config says so), the activation sentence-transformers would apply for
 * other models (see `scoreActivation`). Pairs are deduplicated (the HyDE sample repeats many), batched
 * longest first, and truncated longest-first to the model's maximum length; progress and cancellation
 * between batches. The model loads on the first `score`, on `device`, falling back (with a note) to
 * `fallbackDevice` when it cannot load or run there.
 */
export class CrossEncoderTeacher implements Teacher {
  readonly id: string;
  /** Fallbacks and other things the user should know, in order. */
  readonly notes: string[] = [];
  private readonly runner: TransformersModelRunner<LoadedCrossEncoder>;
  private readonly batchSize: number;

  constructor(
    readonly spec: CrossEncoderModelSpec,
    private readonly options: CrossEncoderTeacherOptions = {},
  ) {
    const dtype = options.dtype ?? 'fp32';
    this.runner = new TransformersModelRunner({
      spec,
      dtype,
      device: options.device,
      fallbackDevice: options.fallbackDevice,
      wording: CROSS_ENCODER_WORDING,
      load: (device) => loadCrossEncoder(spec, device, dtype, options.onLoadProgress),
      // The model's own notes (an unsupported activation, say), once per model.
      onLoaded: (model, previous) => {
        if (model !== previous) for (const note of model.notes) this.note(note);
      },
      note: (text) => this.note(text),
    });
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new Error(`cross-encoder batch size must be a positive integer, got ${this.batchSize}`);
    this.id = `cross-encoder:${modelLocation(spec.source)}`;
  }

  /** config.json's keys for this teacher (see `Teacher.configFields`). */
  configFields(): Record<string, unknown> {
    return {
      teacher_device: this.device,
      teacher_max_length: this.maxLength ?? null,
      teacher_score_activation: this.activation,
      teacher_notes: this.notes,
    };
  }

  /** What the scores are: raw logits (`identity`, relevant above 0) or probabilities (`sigmoid`, above 0.5). */
  get activation(): ScoreActivation {
    return this.runner.model?.activation ?? 'identity';
  }

  /** 0 for logits (the reference's ms-marco cross-encoders), 0.5 for a sigmoid's probabilities. */
  get relevanceThreshold(): number {
    return this.activation === 'sigmoid' ? 0.5 : 0;
  }

  /** The device the model runs on (after a fallback, the fallback). */
  get device(): EmbeddingDevice {
    return this.runner.device;
  }

  /** The effective token limit per pair once the model is loaded. */
  get maxLength(): number | undefined {
    return this.runner.model?.maxLength ?? this.spec.maxLength;
  }

  async score(batch: TeacherBatch, options: LongTaskOptions = {}): Promise<TeacherScores[]> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    const results: TeacherScores[] = batch.items.map((item) => ({
      scores: item.documents.map(() => null),
      errors: item.documents.map(() => null),
    }));
    // Distinct pairs, and where each one's score goes.
    const pairs: TextPair[] = [];
    const targets: { item: number; doc: number }[][] = [];
    const indexOf = new Map<string, number>();
    batch.items.forEach((item, i) =>
      item.documents.forEach((d, k) => {
        const key = `${item.queryText}\u0000${d.text}`;
        let at = indexOf.get(key);
        if (at === undefined) {
          at = pairs.length;
          indexOf.set(key, at);
          pairs.push({ query: item.queryText, document: d.text });
          targets.push([]);
        }
        targets[at].push({ item: i, doc: k });
      }),
    );
    const total = batch.items.reduce((n, item) => n + item.documents.length, 0);
    let done = 0;
    onProgress?.({ stage: 'teacher', done, total });
    if (pairs.length === 0) return results;

    // Longest first: batches of similar length pad little, and an out-of-memory shows up at once.
    const order = pairs.map((_, i) => i);
    const length = (p: TextPair) => p.query.length + p.document.length;
    order.sort((a, b) => length(pairs[b]) - length(pairs[a]) || a - b);
    await this.runner.runInBatches(
      order,
      this.batchSize,
      signal,
      (model, chunk) => model.logits(chunk.map((i) => pairs[i])),
      (chunk, logits, model) => {
        chunk.forEach((pair, r) => {
          const value = applyActivation(model.activation, logits[r]);
          for (const { item, doc } of targets[pair]) {
            if (Number.isFinite(value)) results[item].scores[doc] = value;
            else results[item].errors[doc] = `the cross-encoder gave a non-finite score (${value})`;
            done++;
          }
        });
        onProgress?.({ stage: 'teacher', done, total });
      },
    );
    if (results.every((r) => r.scores.every((s) => s === null)))
      throw new Error(
        `the cross-encoder ${describeModel(this.spec)} scored none of ${total} documents: ` +
          results.flatMap((r) => r.errors).find((e) => e !== null),
      );
    return results;
  }

  private note(text: string): void {
    if (this.notes.includes(text)) return;
    this.notes.push(text);
    this.options.onNote?.(text);
  }
}
