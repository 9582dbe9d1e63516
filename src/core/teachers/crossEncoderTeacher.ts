import type { EmbeddingDtype } from '../embedding/modelRegistry';
import { modelErrorKind, type EmbeddingDevice } from '../embedding/transformersRuntime';
import { throwIfAborted, type LongTaskOptions, type ProgressListener } from '../progress';
import {
  applyActivation,
  crossEncoderOutOfMemory,
  describeCrossEncoder,
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
  private readonly dtype: EmbeddingDtype;
  private currentDevice: EmbeddingDevice;
  private readonly fallbackDevice?: EmbeddingDevice;
  private readonly batchSize: number;
  private model: LoadedCrossEncoder | undefined;

  constructor(
    readonly spec: CrossEncoderModelSpec,
    private readonly options: CrossEncoderTeacherOptions = {},
  ) {
    this.dtype = options.dtype ?? 'fp32';
    this.currentDevice = options.device ?? 'cpu';
    this.fallbackDevice = options.fallbackDevice !== this.currentDevice ? options.fallbackDevice : undefined;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new Error(`cross-encoder batch size must be a positive integer, got ${this.batchSize}`);
    const where = spec.source.kind === 'hub' ? spec.source.id : spec.source.path;
    this.id = `cross-encoder:${where}`;
  }

  /** What the scores are: raw logits (`identity`, relevant above 0) or probabilities (`sigmoid`, above 0.5). */
  get activation(): ScoreActivation {
    return this.model?.activation ?? 'identity';
  }

  /** 0 for logits (the reference's ms-marco cross-encoders), 0.5 for a sigmoid's probabilities. */
  get relevanceThreshold(): number {
    return this.activation === 'sigmoid' ? 0.5 : 0;
  }

  /** The device the model runs on (after a fallback, the fallback). */
  get device(): EmbeddingDevice {
    return this.currentDevice;
  }

  /** The effective token limit per pair once the model is loaded. */
  get maxLength(): number | undefined {
    return this.model?.maxLength ?? this.spec.maxLength;
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
    let model = await this.loadModel(signal);
    let batchSize = this.batchSize;
    let next = 0;
    while (next < order.length) {
      throwIfAborted(signal);
      const chunk = order.slice(next, next + batchSize);
      let logits: Float32Array;
      try {
        logits = await model.logits(chunk.map((i) => pairs[i]));
      } catch (error) {
        const kind = modelErrorKind(error);
        if (kind === 'out-of-memory' && batchSize > 1) {
          batchSize = Math.max(1, Math.floor(batchSize / 2));
          this.note(
            `${describeCrossEncoder(this.spec)} ran out of memory on a batch; batch size lowered to ${batchSize}`,
          );
          continue;
        }
        if (kind === 'out-of-memory')
          throw crossEncoderOutOfMemory(this.spec, this.currentDevice, this.dtype, error);
        if (this.fallbackDevice && this.currentDevice !== this.fallbackDevice) {
          this.switchToFallback(error);
          model = await this.loadModel(signal);
          continue;
        }
        throw error;
      }
      chunk.forEach((pair, r) => {
        const value = applyActivation(model.activation, logits[r]);
        for (const { item, doc } of targets[pair]) {
          if (Number.isFinite(value)) results[item].scores[doc] = value;
          else results[item].errors[doc] = `the cross-encoder gave a non-finite score (${value})`;
          done++;
        }
      });
      next += chunk.length;
      onProgress?.({ stage: 'teacher', done, total });
    }
    if (results.every((r) => r.scores.every((s) => s === null)))
      throw new Error(
        `the cross-encoder ${describeCrossEncoder(this.spec)} scored none of ${total} documents: ` +
          results.flatMap((r) => r.errors).find((e) => e !== null),
      );
    return results;
  }

  private async loadModel(signal: AbortSignal | undefined): Promise<LoadedCrossEncoder> {
    for (;;) {
      try {
        const pending = loadCrossEncoder(
          this.spec,
          this.currentDevice,
          this.dtype,
          this.options.onLoadProgress,
        );
        const model = await abortable(pending, signal);
        if (model !== this.model) for (const note of model.notes) this.note(note);
        this.model = model;
        return model;
      } catch (error) {
        throwIfAborted(signal);
        const kind = modelErrorKind((error as { cause?: unknown }).cause ?? error);
        const fallbackHelps = kind === 'other' || kind === 'out-of-memory';
        if (fallbackHelps && this.fallbackDevice && this.currentDevice !== this.fallbackDevice) {
          this.switchToFallback(error);
          continue;
        }
        throw error;
      }
    }
  }

  private switchToFallback(error: unknown): void {
    const from = this.currentDevice;
    this.currentDevice = this.fallbackDevice!;
    const root = (error as { cause?: unknown }).cause ?? error;
    const reason = (root instanceof Error ? root.message : String(root)).trim().split('\n')[0];
    this.note(
      `${from} could not run cross-encoder ${describeCrossEncoder(this.spec)} (${reason}); using ${this.currentDevice} instead`,
    );
  }

  private note(text: string): void {
    if (this.notes.includes(text)) return;
    this.notes.push(text);
    this.options.onNote?.(text);
  }
}

/** `promise`, or a rejection as soon as `signal` aborts (the work itself may go on in the background). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('Cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
