import type { ProgressListener } from '../progress';
import type { EmbeddingDtype, EmbeddingModelSpec } from './modelRegistry';
import {
  describeModel,
  effectiveMaxLength,
  loadTokenizer,
  modelLocation,
  pretrainedOptions,
  SharedModelLoads,
  TransformersModelError,
  type ModelKindWording,
  type TransformersModelSpec,
} from './transformersModelLoading';

/**
 * The transformers.js runtime (`@huggingface/transformers`): loaded on first use (so LSA-only runs never
 * load ONNX Runtime), configured per platform through `configureTransformers`, and where every model load
 * starts (`openPretrained`; the embedding models' here, the cross-encoders' in teachers/crossEncoderModel.ts).
 * Node gets onnxruntime-node (CPU), browsers onnxruntime-web (WebGPU or WASM).
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

/**
 * What every model load starts with: the runtime, where the model is, the options of its `from_pretrained`
 * calls, and its config, which comes first because a missing config.json is the clearest sign of a wrong
 * id or folder.
 */
export async function openPretrained(spec: TransformersModelSpec, onProgress: ProgressListener | undefined) {
  const t = await transformersRuntime();
  const where = modelLocation(spec.source);
  const options = pretrainedOptions(spec, onProgress);
  const config = await t.AutoConfig.from_pretrained(where, options);
  return { t, where, options, config };
}

/** A numeric tensor as transformers.js returns it (the part the embedding and cross-encoder models read). */
export interface TensorView {
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

/** An embedding model's error: the message says what happened and what to do. */
export class EmbeddingModelError extends TransformersModelError {
  override name = 'EmbeddingModelError';
}

/** How errors and notes name embedding models. */
export const EMBEDDING_MODEL_WORDING: ModelKindWording = {
  noun: 'embedding model',
  folderNoun: 'model folder',
  subject: (name) => name,
  missingWeightsRemedy: () => 'choose another dtype (fp32, fp16, q8) or a model with ONNX weights',
  error: EmbeddingModelError,
};

const loaded = new SharedModelLoads<LoadedEmbeddingModel>(EMBEDDING_MODEL_WORDING);

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
  return loaded.get(spec, device, dtype, () => load(spec, device, dtype, onProgress));
}

/** Frees every loaded model (their ONNX Runtime sessions). */
export function releaseEmbeddingModels(): Promise<void> {
  return loaded.releaseAll();
}

async function load(
  spec: EmbeddingModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
  onProgress?: ProgressListener,
): Promise<LoadedEmbeddingModel> {
  const { t, where, options, config: pretrainedConfig } = await openPretrained(spec, onProgress);
  const tokenizer = await loadTokenizer(t, spec, options, EMBEDDING_MODEL_WORDING);
  const model = await t.AutoModel.from_pretrained(where, {
    ...options,
    config: pretrainedConfig,
    device,
    dtype,
  });
  const config = model.config as unknown as Record<string, unknown>;
  const hiddenSize = typeof config.hidden_size === 'number' ? config.hidden_size : undefined;
  const maxLength = effectiveMaxLength(
    spec.maxLength,
    tokenizer.model_max_length,
    config.max_position_embeddings,
  );
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
