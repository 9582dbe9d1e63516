import {
  EMBEDDING_DTYPES,
  isFolderReference,
  type EmbeddingDtype,
  type ModelSource,
} from '../embedding/modelRegistry';
import {
  describeModel,
  effectiveMaxLength,
  loadTokenizer,
  SharedModelLoads,
  TransformersModelError,
  type ModelKindWording,
} from '../embedding/transformersModelLoading';
import { openPretrained, type EmbeddingDevice, type TensorView } from '../embedding/transformersRuntime';
import type { ProgressListener } from '../progress';
import { assemblePair, findPairLayout, type EncodedPair, type PairLayout } from './pairEncoding';

/**
 * Cross-encoder models on transformers.js (`AutoTokenizer` + `AutoModelForSequenceClassification`): a Hub
 * model or a local folder in the Hub's layout, loaded once per (model, device, dtype) and shared, run on
 * ONNX Runtime (CPU in Node, WebGPU or WASM in browsers) on batches of (query, document) pairs. Errors say
 * what happened and what to do, as the embedders' do.
 */

/** The reference's ReFIT reranker, and the default of `cross-encoder` without a model. */
export const DEFAULT_CROSS_ENCODER_MODEL = 'cross-encoder/ms-marco-MiniLM-L-6-v2';

/** An ONNX export of the default model that certainly carries every dtype (for error messages). */
const ONNX_EXPORT_HINT = 'Xenova/ms-marco-MiniLM-L-6-v2';

export interface CrossEncoderModelSpec {
  /** As the user named it. */
  reference: string;
  source: ModelSource;
  /** Hub revision; for a folder, a fingerprint of its files (see the CLI) or `local`. */
  revision: string;
  /** Upper bound on tokens per pair; the tokenizer's and the config's limits also apply. */
  maxLength?: number;
}

const HUB_ID = /^[\w.-]+\/[\w.-]+$/;

/** The spec of the cross-encoder `reference` names: a Hub id (`org/name`) or a model folder. */
export function resolveCrossEncoderModel(
  reference: string,
  overrides: { revision?: string; maxLength?: number } = {},
): CrossEncoderModelSpec {
  const trimmed = reference.trim();
  if (
    overrides.maxLength !== undefined &&
    (!Number.isInteger(overrides.maxLength) || overrides.maxLength < 3)
  )
    throw new Error(
      `a cross-encoder's maximum length must be an integer of at least 3, got ${overrides.maxLength}`,
    );
  const source: ModelSource | undefined = isFolderReference(trimmed)
    ? { kind: 'folder', path: trimmed }
    : HUB_ID.test(trimmed)
      ? { kind: 'hub', id: trimmed }
      : undefined;
  if (!source)
    throw new Error(
      `unknown cross-encoder model "${reference}": give a Hugging Face Hub id (org/name) with ONNX weights, ` +
        `e.g. ${DEFAULT_CROSS_ENCODER_MODEL}, or a local model folder (a path starting with /, ./ or ../)`,
    );
  return {
    reference: trimmed,
    source,
    revision: overrides.revision ?? (source.kind === 'folder' ? 'local' : 'main'),
    maxLength: overrides.maxLength,
  };
}

/**
 * What the model's scores are, as sentence-transformers' CrossEncoder decides (the reference scores with
 * it): the activation its config names (`sentence_transformers.activation_fn`, or the older
 * `sbert_ce_default_activation_function`), else a sigmoid for one-logit models. cross-encoder/ms-marco-*
 * name Identity: their scores are the raw logits.
 */
export type ScoreActivation = 'identity' | 'sigmoid' | 'tanh';

export function scoreActivation(config: Record<string, unknown>): {
  activation: ScoreActivation;
  note?: string;
} {
  const st = config.sentence_transformers as { activation_fn?: unknown } | undefined;
  const named =
    typeof st?.activation_fn === 'string'
      ? st.activation_fn
      : typeof config.sbert_ce_default_activation_function === 'string'
        ? config.sbert_ce_default_activation_function
        : undefined;
  if (named === undefined) return { activation: 'sigmoid' };
  const last = named.split('.').at(-1)?.toLowerCase();
  if (last === 'identity') return { activation: 'identity' };
  if (last === 'sigmoid') return { activation: 'sigmoid' };
  if (last === 'tanh') return { activation: 'tanh' };
  return {
    activation: 'identity',
    note: `the model's config names the score activation ${named}, which is not supported here: raw logits are used`,
  };
}

export function applyActivation(activation: ScoreActivation, logit: number): number {
  if (activation === 'sigmoid') return 1 / (1 + Math.exp(-logit));
  if (activation === 'tanh') return Math.tanh(logit);
  return logit;
}

/** One pair to score. */
export interface TextPair {
  query: string;
  document: string;
}

/** A cross-encoder and its tokenizer, ready to run on one device. */
export interface LoadedCrossEncoder {
  readonly device: EmbeddingDevice;
  readonly dtype: EmbeddingDtype;
  /** Tokens per pair after all limits (the spec's, the tokenizer's, the position embeddings'). */
  readonly maxLength: number;
  readonly activation: ScoreActivation;
  /** Things the user should know about this model (an unsupported activation, a fallback truncation). */
  readonly notes: readonly string[];
  /** The model's logits, one per pair, in order (before the activation). */
  logits(pairs: TextPair[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** What went wrong while loading or running a cross-encoder, as the engine tells its user. */
export class CrossEncoderModelError extends TransformersModelError {
  override name = 'CrossEncoderModelError';
}

/** How errors and notes name cross-encoders. */
export const CROSS_ENCODER_WORDING: ModelKindWording = {
  noun: 'cross-encoder model',
  folderNoun: 'cross-encoder folder',
  subject: (name) => `cross-encoder ${name}`,
  missingWeightsRemedy: (dtype) =>
    `choose another dtype (${EMBEDDING_DTYPES.filter((d) => d !== dtype).join(', ')}) or an ONNX export ` +
    `of the model, e.g. ${ONNX_EXPORT_HINT}`,
  error: CrossEncoderModelError,
};

type TensorConstructor = new (type: 'int64', data: BigInt64Array, dims: number[]) => TensorView;

/** The parts of a transformers.js tokenizer this module uses. */
interface PairTokenizer {
  (
    text: string | string[],
    options: {
      text_pair?: string | string[];
      add_special_tokens?: boolean;
      padding?: boolean;
      truncation?: boolean;
      max_length?: number;
      return_tensor?: boolean;
      return_token_type_ids?: boolean;
    },
  ): Record<string, unknown>;
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  pad_token_id?: number;
  padding_side?: string;
  model_max_length?: number;
}

type ClassifierCall = (inputs: Record<string, TensorView>) => Promise<Record<string, TensorView | undefined>>;

const loaded = new SharedModelLoads<LoadedCrossEncoder>(CROSS_ENCODER_WORDING);

/**
 * Loads `spec` on `device` with `dtype` (shared by every teacher that asks for the same). Download progress
 * (bytes per file) goes to `onProgress`. Errors are rewritten to say what happened and what to do.
 */
export function loadCrossEncoder(
  spec: CrossEncoderModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
  onProgress?: ProgressListener,
): Promise<LoadedCrossEncoder> {
  return loaded.get(spec, device, dtype, () => load(spec, device, dtype, onProgress));
}

/** Frees every loaded cross-encoder (their ONNX Runtime sessions). */
export function releaseCrossEncoders(): Promise<void> {
  return loaded.releaseAll();
}

async function load(
  spec: CrossEncoderModelSpec,
  device: EmbeddingDevice,
  dtype: EmbeddingDtype,
  onProgress?: ProgressListener,
): Promise<LoadedCrossEncoder> {
  const { t, where, options, config: pretrainedConfig } = await openPretrained(spec, onProgress);
  const config = pretrainedConfig as unknown as Record<string, unknown>;
  const architectures = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  if (architectures.length && !architectures.some((a) => a.endsWith('ForSequenceClassification')))
    throw new CrossEncoderModelError(
      `${describeModel(spec)} is a ${architectures.join(', ')}, not a cross-encoder: a cross-encoder is a ` +
        `sequence-classification model that scores (query, document) pairs, e.g. ${DEFAULT_CROSS_ENCODER_MODEL}`,
      'other',
    );
  const tokenizerObject = await loadTokenizer(t, spec, options, CROSS_ENCODER_WORDING);
  const model = await t.AutoModelForSequenceClassification.from_pretrained(where, {
    ...options,
    config: pretrainedConfig,
    device,
    dtype,
  });
  const tokenizer = tokenizerObject as unknown as PairTokenizer;
  const run = model as unknown as ClassifierCall;
  const Tensor = t.Tensor as unknown as TensorConstructor;
  const maxLength = effectiveMaxLength(
    spec.maxLength,
    tokenizer.model_max_length,
    config.max_position_embeddings,
  );
  const notes: string[] = [];
  const { activation, note } = scoreActivation(config);
  if (note) notes.push(note);
  const layout = learnPairLayout(tokenizer);
  if (!layout)
    notes.push(
      `the pair template of ${describeModel(spec)}'s tokenizer could not be read: pairs longer than ` +
        `${maxLength} tokens are cut at the end (as transformers.js does) instead of longest-first`,
    );
  const padId = tokenizer.pad_token_id ?? 0;
  const padLeft = tokenizer.padding_side === 'left';

  const encodeBatch = (pairs: TextPair[]): Record<string, TensorView> => {
    let encoded: EncodedPair[];
    if (layout) {
      const ids = new Map<string, number[]>();
      const idsOf = (text: string) => {
        let found = ids.get(text);
        if (!found) ids.set(text, (found = tokenizer.encode(text, { add_special_tokens: false })));
        return found;
      };
      encoded = pairs.map((p) => assemblePair(layout, idsOf(p.query), idsOf(p.document), maxLength));
    } else {
      const out = tokenizer(
        pairs.map((p) => p.query),
        {
          text_pair: pairs.map((p) => p.document),
          truncation: true,
          max_length: maxLength,
          return_tensor: false,
          return_token_type_ids: true,
        },
      );
      const ids = out.input_ids as number[][];
      const types = out.token_type_ids as number[][] | undefined;
      encoded = ids.map((row, i) => ({ ids: row, typeIds: types?.[i] ?? row.map(() => 0) }));
    }
    const width = Math.max(...encoded.map((e) => e.ids.length));
    const size = encoded.length * width;
    const inputIds = new BigInt64Array(size).fill(BigInt(padId));
    const mask = new BigInt64Array(size);
    const typeIds = new BigInt64Array(size);
    encoded.forEach((e, r) => {
      const offset = r * width + (padLeft ? width - e.ids.length : 0);
      for (let k = 0; k < e.ids.length; k++) {
        inputIds[offset + k] = BigInt(e.ids[k]);
        mask[offset + k] = 1n;
        typeIds[offset + k] = BigInt(e.typeIds[k] ?? 0);
      }
    });
    const dims = [encoded.length, width];
    return {
      input_ids: new Tensor('int64', inputIds, dims),
      attention_mask: new Tensor('int64', mask, dims),
      token_type_ids: new Tensor('int64', typeIds, dims),
    };
  };

  return {
    device,
    dtype,
    maxLength,
    activation,
    notes,
    async logits(pairs) {
      if (pairs.length === 0) return new Float32Array(0);
      const inputs = encodeBatch(pairs);
      let outputs: Record<string, TensorView | undefined> | undefined;
      try {
        outputs = await run(inputs);
        const logits = outputs.logits;
        if (!logits || logits.dims.length !== 2 || logits.dims[0] !== pairs.length) {
          throw new CrossEncoderModelError(
            `${describeModel(spec)} gives no logits per pair (its outputs: ` +
              `${Object.keys(outputs).join(', ')}): use the ONNX export of a sequence-classification model`,
            'other',
          );
        }
        if (logits.dims[1] !== 1) {
          throw new CrossEncoderModelError(
            `${describeModel(spec)} gives ${logits.dims[1]} scores per pair; a relevance cross-encoder ` +
              `gives one (num_labels 1), e.g. ${DEFAULT_CROSS_ENCODER_MODEL}`,
            'other',
          );
        }
        const asFloat = logits.type === 'float32' ? logits : logits.to('float32');
        return asFloat.data instanceof Float32Array
          ? asFloat.data.slice()
          : Float32Array.from(asFloat.data, Number);
      } finally {
        for (const tensor of Object.values(inputs)) tensor.dispose();
        for (const o of Object.values(outputs ?? {})) o?.dispose();
      }
    },
    async dispose() {
      await model.dispose();
    },
  };
}

/**
 * The tokenizer's pair layout, learnt from one probe pair and checked on a second (undefined if either
 * disagrees with the tokenizer's own pair encoding).
 */
function learnPairLayout(tokenizer: PairTokenizer): PairLayout | undefined {
  const encodePair = (a: string, b: string): EncodedPair => {
    const out = tokenizer(a, { text_pair: b, return_tensor: false, return_token_type_ids: true });
    const ids = out.input_ids as number[];
    const types = out.token_type_ids as number[] | undefined;
    return { ids, typeIds: types ?? ids.map(() => 0) };
  };
  const alone = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
  try {
    const [a, b] = ['what is the query', 'a document about it'];
    const layout = findPairLayout(encodePair(a, b), alone(a), alone(b));
    if (!layout) return undefined;
    const [c, d] = ['second', 'check of the layout with other lengths'];
    const expected = encodePair(c, d);
    const assembled = assemblePair(layout, alone(c), alone(d), Infinity);
    const same =
      assembled.ids.length === expected.ids.length &&
      assembled.ids.every((id, i) => id === expected.ids[i]) &&
      assembled.typeIds.every((type, i) => type === expected.typeIds[i]);
    return same ? layout : undefined;
  } catch {
    return undefined;
  }
}
