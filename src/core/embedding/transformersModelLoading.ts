import type { ProgressListener } from '../progress';
import { ONNX_FILE_OF_DTYPE, type EmbeddingDtype, type ModelSource } from './modelRegistry';
import type { EmbeddingDevice } from './transformersRuntime';

/**
 * What loading a transformers.js model takes whatever the model is for: the embedding models
 * (transformersRuntime.ts) and the cross-encoders (teachers/crossEncoderModel.ts) load the same way (config,
 * tokenizer, ONNX weights), share loads the same way, and fail the same ways, so they share this; only
 * the model class they load, what they run, and how their messages name them differ.
 */

type Transformers = typeof import('@huggingface/transformers');

/** The part of a model spec (embedding model or cross-encoder) that loading reads. */
export interface TransformersModelSpec {
  source: ModelSource;
  /** Hub revision; for a folder, a fingerprint of its files (it keys the shared loads). */
  revision: string;
  /** Upper bound on tokens per input; the tokenizer's and the config's limits also apply. */
  maxLength?: number;
}

/** What went wrong while loading or running a model, as the engine tells its user. */
export type ModelErrorKind = 'not-found' | 'network' | 'out-of-memory' | 'other';

/** Classifies an error of transformers.js / ONNX Runtime. */
export function modelErrorKind(error: unknown): ModelErrorKind {
  const e = error as { name?: unknown; message?: unknown; status?: unknown; cause?: unknown };
  const message = String(e?.message ?? error);
  if (
    e?.name === 'ModelFileNotFoundError' ||
    /could not locate file|not found locally|unauthorized access|forbidden access/i.test(message)
  )
    return 'not-found';
  if (
    /out of memory|\boom\b|bad_alloc|allocation failed|failed to allocate|cannot allocate|memory access out of bounds|array buffer allocation/i.test(
      message,
    )
  )
    return 'out-of-memory';
  if (
    /failed to fetch|fetch failed|network ?error|econnreset|econnrefused|enotfound|etimedout|socket hang up|other side closed|terminated|load failed|premature close|net::err_/i.test(
      message,
    ) ||
    (e?.name === 'TypeError' && /fetch|body|stream/i.test(message))
  )
    return 'network';
  return 'other';
}

/**
 * An error with a message that says what to do, keeping the original as `cause`. Each kind of model has
 * its own subclass (and `name`), so the user and the code can tell whose load failed.
 */
export abstract class TransformersModelError extends Error {
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How load errors and notes speak of one kind of model; the only thing that differs between the kinds. */
export interface ModelKindWording {
  /** The kind, as in `embedding model "org/name" was not found`. */
  noun: string;
  /** A folder of this kind, as in `folder ./x is not a model folder`. */
  folderNoun: string;
  /** The model named as the subject of a sentence, e.g. `cross-encoder "org/name"` (`name` is `describeModel`'s). */
  subject(name: string): string;
  /** What to use instead of the missing ONNX weights of `dtype`. */
  missingWeightsRemedy(dtype: EmbeddingDtype): string;
  /** The kind's error class. */
  error: new (message: string, kind: ModelErrorKind, options?: { cause?: unknown }) => TransformersModelError;
}

/** Where transformers.js finds the model: a Hub id or a folder path. */
export function modelLocation(source: ModelSource): string {
  return source.kind === 'hub' ? source.id : source.path;
}

/** A readable name of the model for messages. */
export function describeModel(spec: TransformersModelSpec): string {
  return spec.source.kind === 'folder' ? `folder ${spec.source.path}` : `"${spec.source.id}"`;
}

/**
 * The options of every `from_pretrained` call of one model: the Hub revision, folders never downloaded
 * from, and download progress (bytes per file) to `onProgress`.
 */
export function pretrainedOptions(spec: TransformersModelSpec, onProgress: ProgressListener | undefined) {
  return {
    revision: spec.source.kind === 'hub' ? spec.revision : undefined,
    local_files_only: spec.source.kind === 'folder',
    progress_callback: (info: { status: string; file?: string; loaded?: number; total?: number }) => {
      if (info.status === 'progress' && info.file && info.total)
        onProgress?.({ stage: `download ${info.file}`, done: info.loaded ?? 0, total: info.total });
    },
  };
}

/**
 * The model's tokenizer. Missing or unreadable tokenizer files surface from transformers.js as
 * unclassified errors, so those are rewritten to name the files a model needs.
 */
export function loadTokenizer(
  t: Transformers,
  spec: TransformersModelSpec,
  options: ReturnType<typeof pretrainedOptions>,
  wording: ModelKindWording,
) {
  return t.AutoTokenizer.from_pretrained(modelLocation(spec.source), options).catch((error: unknown) => {
    if (modelErrorKind(error) !== 'other') throw error;
    throw new wording.error(
      `${describeModel(spec)} has no usable tokenizer (tokenizer.json and tokenizer_config.json): ` +
        (error instanceof Error ? error.message : String(error)),
      'not-found',
      { cause: error },
    );
  });
}

/**
 * Tokens per input after all limits: the spec's, the tokenizer's and the position embeddings'. Configs
 * leave some out and tokenizers say "unlimited" with a huge number, so only plausible ones count.
 */
export function effectiveMaxLength(
  specLimit: number | undefined,
  tokenizerLimit: unknown,
  positionEmbeddings: unknown,
): number {
  const limits = [specLimit, Number(tokenizerLimit), Number(positionEmbeddings)];
  const finite = limits.filter(
    (x): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0 && x < 1e7,
  );
  return finite.length ? Math.min(...finite) : 512;
}

/**
 * Loads of one kind of model, one per (model, revision, device, dtype, token limit) and shared by every
 * embedder or teacher that asks for the same, since each holds an ONNX Runtime session (memory). A load
 * that fails is forgotten, so that a later call tries again, and its error is rewritten to say what
 * happened and what to do.
 */
export class SharedModelLoads<M extends { dispose(): Promise<void> }> {
  private readonly loads = new Map<string, Promise<M>>();

  constructor(private readonly wording: ModelKindWording) {}

  /** The load of `spec` on `device` with `dtype`: the one under way or done, else a new one by `start`. */
  get(
    spec: TransformersModelSpec,
    device: EmbeddingDevice,
    dtype: EmbeddingDtype,
    start: () => Promise<M>,
  ): Promise<M> {
    const key = JSON.stringify([
      modelLocation(spec.source),
      spec.revision,
      device,
      dtype,
      spec.maxLength ?? null,
    ]);
    let pending = this.loads.get(key);
    if (!pending) {
      pending = start().catch((error: unknown) => {
        this.loads.delete(key);
        throw explainLoadError(error, this.wording, spec, device, dtype);
      });
      this.loads.set(key, pending);
    }
    return pending;
  }

  /** Frees every loaded model (their ONNX Runtime sessions). */
  async releaseAll(): Promise<void> {
    const all = [...this.loads.values()];
    this.loads.clear();
    for (const p of all)
      await p.then(
        (m) => m.dispose(),
        () => undefined,
      );
  }
}

function explainLoadError(
  error: unknown,
  wording: ModelKindWording,
  spec: TransformersModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
): Error {
  if (error instanceof wording.error) return error;
  const message = error instanceof Error ? error.message : String(error);
  const kind = modelErrorKind(error);
  const model = describeModel(spec);
  const onnxFile = ONNX_FILE_OF_DTYPE[dtype];
  switch (kind) {
    case 'not-found':
      if (/\.onnx/.test(message)) {
        return new wording.error(
          `${wording.subject(model)} has no ONNX weights for dtype ${dtype} (${onnxFile} is missing): ` +
            (spec.source.kind === 'folder'
              ? 'a model folder needs config.json, tokenizer.json and onnx/model*.onnx (the Hub layout of ONNX exports); '
              : '') +
            `${wording.missingWeightsRemedy(dtype)} (${message})`,
          kind,
          { cause: error },
        );
      }
      return new wording.error(
        spec.source.kind === 'folder'
          ? `${model} is not a ${wording.folderNoun} (${message}): it needs config.json, tokenizer.json, tokenizer_config.json and ${onnxFile}`
          : `${wording.noun} ${model} was not found (${message}): check the Hub id and revision "${spec.revision}"; ` +
              'private or gated models cannot be loaded here',
        kind,
        { cause: error },
      );
    case 'network':
      return new wording.error(
        `downloading ${wording.noun} ${model} failed: ${message}. Check the network (or the model host) and try ` +
          'again; files that did not download completely were not cached',
        kind,
        { cause: error },
      );
    case 'out-of-memory':
      return outOfMemoryError(wording, spec, device, dtype, error);
    default:
      return new wording.error(
        `loading ${wording.noun} ${model} on ${device} (${dtype}) failed: ${message}`,
        kind,
        {
          cause: error,
        },
      );
  }
}

/** The error for a model that does not fit on its device (while loading, or on a batch of one). */
export function outOfMemoryError(
  wording: ModelKindWording,
  spec: TransformersModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
  cause: unknown,
): TransformersModelError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new wording.error(
    `${wording.noun} ${describeModel(spec)} ran out of memory on ${device} (${dtype}): ${message}. ` +
      `Try a smaller dtype (${dtype === 'q8' ? 'a smaller model' : 'q8'}), a smaller batch size, a lower maximum length` +
      (device === 'webgpu' ? ', or the wasm device' : ''),
    'out-of-memory',
    { cause },
  );
}
