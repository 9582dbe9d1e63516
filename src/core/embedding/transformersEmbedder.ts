import { matrix, type Matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions, type ProgressListener } from '../progress';
import {
  embeddingCacheKey,
  lookUpCachedVectors,
  type EmbeddingCache,
  type EmbeddingKeyParts,
} from './embeddingCache';
import type { EmbeddingDtype, EmbeddingModelSpec } from './modelRegistry';
import { poolTokens } from './pooling';
import { embedderInput, FALLBACK_INSTRUCTION, fillInstruction, type EmbeddingTemplates } from './templates';
import { describeModel, modelLocation } from './transformersModelLoading';
import { TransformersModelRunner } from './transformersModelRunner';
import {
  EMBEDDING_MODEL_WORDING,
  loadEmbeddingModel,
  type EmbeddingDevice,
  type LoadedEmbeddingModel,
} from './transformersRuntime';
import type { Embedder } from './types';

export interface TransformersEmbedderOptions {
  /** Default `cpu` (Node); browsers pass `webgpu` or `wasm` (see src/app/compute/embeddingDevice.ts). */
  device?: EmbeddingDevice;
  /** Tried, with a note, when the model cannot load or run on `device` (WebGPU → WASM). */
  fallbackDevice?: EmbeddingDevice;
  /** Default fp32. */
  dtype?: EmbeddingDtype;
  /** Texts per model call (default 32); halved automatically when a batch runs out of memory. */
  batchSize?: number;
  /** The dataset's task instruction, for `{instruction}` in the query template. */
  instruction?: string;
  /** Content-addressed vectors: texts found here are not embedded again. */
  cache?: EmbeddingCache;
  /** Download progress of the model's files (bytes). */
  onLoadProgress?: ProgressListener;
  /** Called with each note (fallbacks) as it happens; notes are also kept in `notes`. */
  onNote?: (note: string) => void;
}

/** What one `embedDocuments` / `embedQueries` call did. */
export interface EmbedStats {
  texts: number;
  /** Distinct templated texts. */
  unique: number;
  /** Distinct texts whose vectors came from the cache. */
  cached: number;
  /** Distinct texts the model embedded. */
  embedded: number;
}

const DEFAULT_BATCH_SIZE = 32;

/**
 * A neural embedder on transformers.js: a Hub model or a local folder, on ONNX Runtime (CPU in Node,
 * WebGPU or WASM in browsers). Texts are templated (queries with the dataset's instruction; newlines become
 * spaces, as in the reference), looked up in the cache by that final text, and only the missing ones are
 * embedded, in batches (longest first), with progress and cancellation between batches; each finished batch
 * is cached at once. The model is loaded only when
 * something needs embedding, so a fully cached corpus loads nothing.
 */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  /** The spec's templates with the task instruction filled in. */
  readonly templates: EmbeddingTemplates;
  /** Fallbacks and other things the user should know, in order. */
  readonly notes: string[] = [];
  /** What the last `embedDocuments` / `embedQueries` call did. */
  lastRun: EmbedStats = { texts: 0, unique: 0, cached: 0, embedded: 0 };
  /** All calls of this embedder added up. */
  readonly totals: EmbedStats = { texts: 0, unique: 0, cached: 0, embedded: 0 };
  private readonly dtype: EmbeddingDtype;
  private readonly runner: TransformersModelRunner<LoadedEmbeddingModel>;
  private readonly batchSize: number;
  private readonly instruction: string;
  private readonly keyParts: EmbeddingKeyParts;
  private knownDims: number | undefined;

  constructor(
    readonly spec: EmbeddingModelSpec,
    private readonly options: TransformersEmbedderOptions = {},
  ) {
    this.dtype = options.dtype ?? 'fp32';
    this.runner = new TransformersModelRunner({
      spec,
      dtype: this.dtype,
      device: options.device,
      fallbackDevice: options.fallbackDevice,
      wording: EMBEDDING_MODEL_WORDING,
      load: (device) => loadEmbeddingModel(spec, device, this.dtype, options.onLoadProgress),
      note: (text) => this.note(text),
    });
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new Error(`embedding batch size must be a positive integer, got ${this.batchSize}`);
    if (spec.dtypes && !spec.dtypes.includes(this.dtype))
      throw new Error(
        `${describeModel(spec)} has no ${this.dtype} weights; it has ${spec.dtypes.join(', ')}`,
      );
    this.instruction = options.instruction?.trim() || FALLBACK_INSTRUCTION;
    this.templates = fillInstruction(spec.templates, this.instruction);
    this.knownDims = spec.dims;
    this.keyParts = {
      model: modelLocation(spec.source),
      revision: spec.revision,
      dtype: this.dtype,
      pooling: spec.pooling,
      normalize: spec.normalize,
      maxLength: spec.maxLength ?? null,
    };
    const where = spec.source.kind === 'hub' ? spec.source.id : `folder:${spec.source.path}`;
    this.id = `${where}@${spec.revision}:${this.dtype}:${spec.pooling}${spec.normalize ? '' : ':raw'}`;
  }

  /** Known from the registry, after the model loaded, or from the first cached vector; 0 before. */
  get dims(): number {
    return this.knownDims ?? 0;
  }

  /** The device the model runs on (after a fallback, the fallback). */
  get device(): EmbeddingDevice {
    return this.runner.device;
  }

  /** The effective token limit once the model is loaded. */
  get maxLength(): number | undefined {
    return this.runner.model?.maxLength ?? this.spec.maxLength;
  }

  configFields(): Record<string, unknown> {
    return {
      embedding_device: this.device,
      embedding_max_length: this.maxLength ?? null,
      embedding_pooling: this.spec.pooling,
      embedding_notes: this.notes,
      /** Texts (distinct, documents and queries) whose vectors came from the cache, and those embedded. */
      embedding_cache: { cached: this.totals.cached, embedded: this.totals.embedded },
    };
  }

  async fit(): Promise<void> {}

  /** The text the model sees for a query (templated, newlines made spaces: see `embedderInput`). */
  templateQuery(text: string): string {
    return embedderInput(this.spec.templates.query, text, this.instruction);
  }

  /** The text the model sees for a document (templated, newlines made spaces: see `embedderInput`). */
  templateDocument(text: string): string {
    return embedderInput(this.spec.templates.document, text, this.instruction);
  }

  embedDocuments(texts: string[], options: LongTaskOptions = {}): Promise<Matrix> {
    return this.embedTemplated(
      texts.map((t) => this.templateDocument(t)),
      options,
    );
  }

  embedQueries(texts: string[], options: LongTaskOptions = {}): Promise<Matrix> {
    return this.embedTemplated(
      texts.map((t) => this.templateQuery(t)),
      options,
    );
  }

  private async embedTemplated(templated: string[], options: LongTaskOptions): Promise<Matrix> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    const unique = [...new Set(templated)];
    const keys = unique.map((t) => embeddingCacheKey(this.keyParts, t));
    // A cached vector of the wrong width (a changed folder under the same fingerprint) is embedded again.
    const looked = await lookUpCachedVectors(this.options.cache, keys, unique.length, this.knownDims);
    const { vectors, missing } = looked;
    this.knownDims = looked.dims;
    const cachedCount = unique.length - missing.length;
    const total = templated.length;
    const doneOf = (embeddedSoFar: number) =>
      Math.round(((cachedCount + embeddedSoFar) / Math.max(unique.length, 1)) * total);
    onProgress?.({ stage: 'embed', done: doneOf(0), total });

    if (missing.length) {
      // Longest first: batches of similar length pad little, and an out-of-memory shows up at once.
      missing.sort((a, b) => unique[b].length - unique[a].length || a - b);
      let embedded = 0;
      await this.runner.runInBatches(
        missing,
        this.batchSize,
        signal,
        (model, batch) =>
          this.embedBatch(
            model,
            batch.map((i) => unique[i]),
          ),
        async (batch, pooled) => {
          const width = pooled.length / batch.length;
          const entries = batch.map((i, r) => {
            const vector = pooled.slice(r * width, (r + 1) * width);
            vectors[i] = vector;
            return { key: keys[i], vector };
          });
          await this.options.cache?.put(entries);
          embedded += batch.length;
          onProgress?.({ stage: 'embed', done: doneOf(embedded), total });
        },
      );
    }

    this.lastRun = { texts: total, unique: unique.length, cached: cachedCount, embedded: missing.length };
    for (const k of ['texts', 'unique', 'cached', 'embedded'] as const) this.totals[k] += this.lastRun[k];
    const dims = this.knownDims ?? 0;
    const out = matrix(templated.length, dims);
    const indexOf = new Map(unique.map((t, i) => [t, i]));
    templated.forEach((t, r) => out.data.set(vectors[indexOf.get(t)!]!, r * dims));
    return out;
  }

  private async embedBatch(model: LoadedEmbeddingModel, texts: string[]): Promise<Float32Array> {
    const tokens = await model.encode(texts);
    const pooled = poolTokens(
      tokens.hidden,
      tokens.dims,
      tokens.mask,
      this.spec.pooling,
      this.spec.normalize,
    );
    const width = tokens.dims[2];
    if (this.knownDims !== undefined && this.knownDims !== width) {
      throw new Error(
        `${describeModel(this.spec)} gives ${width}-dimensional vectors, but ${this.knownDims} were expected ` +
          '(registry or cached vectors): check the model and revision',
      );
    }
    this.knownDims = width;
    return pooled;
  }

  private note(text: string): void {
    this.notes.push(text);
    this.options.onNote?.(text);
  }
}
