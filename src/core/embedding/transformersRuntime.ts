import type { ProgressListener } from '../progress';
import { ONNX_FILE_OF_DTYPE, type EmbeddingDtype, type EmbeddingModelSpec } from './modelRegistry';

/**
 * The transformers.js runtime (`@huggingface/transformers`): loaded on first use (so LSA-only runs never
 * load ONNX Runtime), configured per platform through `configureTransformers`, and the one place that
 * loads models. Node gets onnxruntime-node (CPU), browsers onnxruntime-web (WebGPU or WASM).
 */

type Transformers = typeof import('@huggingface/transformers');

/** Where ONNX Runtime runs a model: `cpu` in Node, `webgpu` or `wasm` in browsers. */
export type EmbeddingDevice = 'cpu' | 'wasm' | 'webgpu';

export interface TransformersSettings {
  /** Where Hub ids are downloaded from (default https://huggingface.co/), e.g. a local mirror. */
  remoteHost?: string;
  /** Appended to `remoteHost` (default `{model}/resolve/{revision}/`). */
  remotePathTemplate?: string;
  /** Browser: ONNX Runtime Web's `.wasm` and `.mjs` files, served by the app (never a CDN). */
  wasmPaths?: { wasm: string; mjs: string };
  /** Node: the folder where downloaded model files are kept. */
  modelCacheDir?: string;
}

let settings: TransformersSettings = {};
let runtime: Promise<Transformers> | undefined;

/** Sets where models come from and where the runtime's files are; applies to loads that start later. */
export function configureTransformers(patch: TransformersSettings): void {
  settings = { ...settings, ...patch };
  if (runtime) void runtime.then(apply, () => undefined);
}

export function transformersSettings(): Readonly<TransformersSettings> {
  return settings;
}

function apply(t: Transformers): void {
  const { env } = t;
  if (settings.remoteHost !== undefined) env.remoteHost = settings.remoteHost;
  if (settings.remotePathTemplate !== undefined) env.remotePathTemplate = settings.remotePathTemplate;
  if (settings.modelCacheDir !== undefined) env.cacheDir = settings.modelCacheDir;
  const wasm = env.backends.onnx.wasm;
  if (settings.wasmPaths && wasm) wasm.wasmPaths = { ...settings.wasmPaths };
}

/** The runtime, imported once and configured. */
export function transformersRuntime(): Promise<Transformers> {
  runtime ??= import('@huggingface/transformers').then((t) => {
    t.env.logLevel = t.LogLevel.ERROR;
    apply(t);
    return t;
  });
  return runtime;
}

/** A numeric tensor as transformers.js returns it (the part this module reads). */
interface TensorView {
  dims: number[];
  type: string;
  data: ArrayLike<number | bigint>;
  to(type: string): TensorView;
  dispose(): void;
}

interface Encoding {
  input_ids: TensorView;
  attention_mask: TensorView;
  token_type_ids?: TensorView;
}

type TokenizerCall = (
  texts: string[],
  options: { padding: boolean; truncation: boolean; max_length: number },
) => Encoding;
type ModelCall = (inputs: Encoding) => Promise<Record<string, TensorView | undefined>>;

/** Token vectors of one batch: [batch, sequence, hidden] and the attention mask [batch, sequence]. */
export interface TokenVectors {
  hidden: Float32Array;
  dims: number[];
  mask: ArrayLike<number | bigint>;
}

/** A model and its tokenizer, ready to run on one device. */
export interface LoadedEmbeddingModel {
  readonly device: EmbeddingDevice;
  readonly dtype: EmbeddingDtype;
  /** Width of the token vectors (the config's hidden size), when the config says. */
  readonly hiddenSize: number | undefined;
  /** Tokens per text after all limits (the spec's, the tokenizer's, the position embeddings'). */
  readonly maxLength: number;
  /** Tokenizes (padding, truncation to `maxLength`) and runs the model. */
  encode(texts: string[]): Promise<TokenVectors>;
  dispose(): Promise<void>;
}

const loaded = new Map<string, Promise<LoadedEmbeddingModel>>();

/** A readable name of the model for messages. */
export function describeModel(spec: EmbeddingModelSpec): string {
  return spec.source.kind === 'folder' ? `folder ${spec.source.path}` : `"${spec.source.id}"`;
}

/**
 * Loads `spec` on `device` with `dtype` (shared by every embedder that asks for the same). Download progress
 * (bytes of all files) goes to `onProgress`. Errors are rewritten to say what happened and what to do.
 */
export function loadEmbeddingModel(
  spec: EmbeddingModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
  onProgress?: ProgressListener,
): Promise<LoadedEmbeddingModel> {
  const where = spec.source.kind === 'hub' ? spec.source.id : spec.source.path;
  const key = JSON.stringify([where, spec.revision, device, dtype, spec.maxLength ?? null]);
  let pending = loaded.get(key);
  if (!pending) {
    pending = load(spec, device, dtype, onProgress).catch((error: unknown) => {
      loaded.delete(key);
      throw explainLoadError(error, spec, device, dtype);
    });
    loaded.set(key, pending);
  }
  return pending;
}

/** Frees every loaded model (their ONNX Runtime sessions). */
export async function releaseEmbeddingModels(): Promise<void> {
  const all = [...loaded.values()];
  loaded.clear();
  for (const p of all)
    await p.then(
      (m) => m.dispose(),
      () => undefined,
    );
}

async function load(
  spec: EmbeddingModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
  onProgress?: ProgressListener,
): Promise<LoadedEmbeddingModel> {
  const t = await transformersRuntime();
  const where = spec.source.kind === 'hub' ? spec.source.id : spec.source.path;
  const common = {
    revision: spec.source.kind === 'hub' ? spec.revision : undefined,
    local_files_only: spec.source.kind === 'folder',
    progress_callback: (info: { status: string; file?: string; loaded?: number; total?: number }) => {
      if (info.status === 'progress' && info.file && info.total)
        onProgress?.({ stage: `download ${info.file}`, done: info.loaded ?? 0, total: info.total });
    },
  };
  // The config first: a missing config.json is the clearest sign of a wrong id or folder.
  const pretrainedConfig = await t.AutoConfig.from_pretrained(where, common);
  const tokenizer = await t.AutoTokenizer.from_pretrained(where, common).catch((error: unknown) => {
    if (modelErrorKind(error) !== 'other') throw error;
    throw new EmbeddingModelError(
      `${describeModel(spec)} has no usable tokenizer (tokenizer.json and tokenizer_config.json): ` +
        (error instanceof Error ? error.message : String(error)),
      'not-found',
      { cause: error },
    );
  });
  const model = await t.AutoModel.from_pretrained(where, {
    ...common,
    config: pretrainedConfig,
    device,
    dtype,
  });
  const config = model.config as unknown as Record<string, unknown>;
  const hiddenSize = typeof config.hidden_size === 'number' ? config.hidden_size : undefined;
  const limits = [spec.maxLength, Number(tokenizer.model_max_length), Number(config.max_position_embeddings)];
  const finite = limits.filter(
    (x): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0 && x < 1e7,
  );
  const maxLength = finite.length ? Math.min(...finite) : 512;
  const tokenize = tokenizer as unknown as TokenizerCall;
  const run = model as unknown as ModelCall;
  return {
    device,
    dtype,
    hiddenSize,
    maxLength,
    async encode(texts) {
      const inputs = tokenize(texts, { padding: true, truncation: true, max_length: maxLength });
      const outputs = await run(inputs);
      const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
      try {
        if (!hidden || hidden.dims.length !== 3) {
          throw new Error(
            `${describeModel(spec)} has no token-vector output (last_hidden_state) but ` +
              `${Object.keys(outputs).join(', ')}: use a feature-extraction ONNX export of an embedding model`,
          );
        }
        const asFloat = hidden.type === 'float32' ? hidden : hidden.to('float32');
        const data =
          asFloat.data instanceof Float32Array ? asFloat.data : Float32Array.from(asFloat.data, Number);
        return { hidden: data, dims: [...hidden.dims], mask: Array.from(inputs.attention_mask.data, Number) };
      } finally {
        for (const o of Object.values(outputs)) o?.dispose();
      }
    },
    async dispose() {
      await model.dispose();
    },
  };
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

/** An error with a message that says what to do, keeping the original as `cause`. */
export class EmbeddingModelError extends Error {
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddingModelError';
  }
}

function explainLoadError(
  error: unknown,
  spec: EmbeddingModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
): Error {
  if (error instanceof EmbeddingModelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const kind = modelErrorKind(error);
  const model = describeModel(spec);
  const onnxFile = ONNX_FILE_OF_DTYPE[dtype];
  switch (kind) {
    case 'not-found':
      if (/\.onnx/.test(message)) {
        return new EmbeddingModelError(
          `${model} has no ONNX weights for dtype ${dtype} (${onnxFile} is missing): ` +
            (spec.source.kind === 'folder'
              ? 'a model folder needs config.json, tokenizer.json and onnx/model*.onnx (the Hub layout of ONNX exports); '
              : '') +
            `choose another dtype (fp32, fp16, q8) or a model with ONNX weights (${message})`,
          kind,
          { cause: error },
        );
      }
      return new EmbeddingModelError(
        spec.source.kind === 'folder'
          ? `${model} is not a model folder (${message}): it needs config.json, tokenizer.json, tokenizer_config.json and onnx/${onnxFile.slice(5)}`
          : `embedding model ${model} was not found (${message}): check the Hub id and revision "${spec.revision}"; ` +
              'private or gated models cannot be loaded here',
        kind,
        { cause: error },
      );
    case 'network':
      return new EmbeddingModelError(
        `downloading embedding model ${model} failed: ${message}. Check the network (or the model host) and try ` +
          'again; files that did not download completely were not cached',
        kind,
        { cause: error },
      );
    case 'out-of-memory':
      return outOfMemory(spec, device, dtype, error);
    default:
      return new EmbeddingModelError(
        `loading embedding model ${model} on ${device} (${dtype}) failed: ${message}`,
        kind,
        {
          cause: error,
        },
      );
  }
}

/** The error for a model that does not fit on its device. */
export function outOfMemory(
  spec: EmbeddingModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
  cause: unknown,
): EmbeddingModelError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new EmbeddingModelError(
    `embedding model ${describeModel(spec)} ran out of memory on ${device} (${dtype}): ${message}. ` +
      `Try a smaller dtype (${dtype === 'q8' ? 'a smaller model' : 'q8'}), a smaller batch size, a lower maximum length` +
      (device === 'webgpu' ? ', or the wasm device' : ''),
    'out-of-memory',
    { cause },
  );
}
