import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  encodeModel,
  TensorType,
  type GraphInit,
  type NodeInit,
  type TensorInit,
  type TensorTypeCode,
} from './onnxProto';

/**
 * Writes the test fixture models. The first is a tiny BERT-shaped encoder (embeddings + one single-head self-attention
 * layer + a feed-forward layer, each with LayerNorm) as ONNX, with `config.json`, a WordPiece
 * `tokenizer.json` and `tokenizer_config.json`, in the Hugging Face Hub's folder layout:
 *
 *   <dir>/config.json, tokenizer.json, tokenizer_config.json
 *   <dir>/onnx/model.onnx            fp32 weights
 *   <dir>/onnx/model_fp16.onnx       fp16 weights (cast to fp32 in the graph)
 *   <dir>/onnx/model_quantized.onnx  uint8 weights (DequantizeLinear in the graph), the Hub's "q8" file
 *
 * The weights are seeded random numbers, so the embeddings mean nothing, but the graph is shaped like the
 * real thing: int64 `input_ids`, `attention_mask`, `token_type_ids` of shape [batch, sequence] in, float
 * `last_hidden_state` [batch, sequence, hidden] out; padded positions are masked out of the attention, so a
 * text's embedding does not depend on what it is batched with. Deterministic: the same bytes every run.
 *
 * The second, `tiny-cross-encoder`, is the same encoder with BERT's sequence-classification head on top (the
 * [CLS] vector through a tanh pooler and a linear layer to one logit), as `BertForSequenceClassification`
 * with `num_labels` 1 is exported: int64 inputs as above, float `logits` [batch, 1] out; its config says raw
 * logits are its scores (`sbert_ce_default_activation_function`: Identity), as cross-encoder/ms-marco-* do.
 * It is the cross-encoder teacher's fixture.
 *
 * Usage: npm run fixture-model -- --help
 */

export const FIXTURE_HIDDEN = 32;
export const FIXTURE_MAX_LENGTH = 256;
const FFN = 64;
const SEED = 20260521;

export const DEFAULT_FIXTURE_DIR = '.cache/fixture-models/fixture/tiny-bert';
/** The Hub-style id the fixture is served under in the browser tests (`/hf/<id>/resolve/main/...`). */
export const FIXTURE_MODEL_ID = 'fixture/tiny-bert';

export const DEFAULT_CROSS_ENCODER_FIXTURE_DIR = '.cache/fixture-models/fixture/tiny-cross-encoder';
/** The Hub-style id the cross-encoder fixture is served under in the browser tests. */
export const CROSS_ENCODER_FIXTURE_ID = 'fixture/tiny-cross-encoder';

/** Which model a graph is: the encoder (token vectors out) or the cross-encoder (one logit per text pair). */
type FixtureHead = 'encoder' | 'classifier';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const PUNCTUATION = '.,;:!?\'"()-/&%$#@*+=<>[]{}_'.split('');
const WORDS = (
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have an ' +
  'they you were her she there been one all we their has would when if so no what can more about other into ' +
  'some could them these two may then do first any my now such like our over also new after used only how ' +
  'query document search retrieve relevant answer question paper model embedding user intent bank card ' +
  'account money transfer payment balance argument debate key point news health disease study result data ' +
  'method learning neural network language text information system research clinical patient treatment ' +
  'cancer food diet vitamin risk effect ##s ##ed ##ing ##ly ##er ##est ##tion ##al ##ment ##ness'
).split(' ');

/** The fixture's vocabulary, id order. Every lowercase ASCII word is tokenizable (letters as pieces). */
export function fixtureVocabulary(): string[] {
  const vocab = [...SPECIALS, ...CHARS, ...PUNCTUATION, ...CHARS.map((c) => `##${c}`)];
  for (const w of WORDS) if (!vocab.includes(w)) vocab.push(w);
  return vocab;
}

/** mulberry32: small, seeded, the same on every platform. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type WeightFormat = 'fp32' | 'fp16' | 'q8';

function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function int64Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

/** IEEE 754 half precision, round to nearest even (values here are small and normal). */
function toHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign; // underflow to zero (not reached by these weights)
  if (exponent >= 0x1f) return sign | 0x7c00;
  const rest = mantissa & 0x1fff;
  mantissa >>>= 13;
  let half = sign | (exponent << 10) | mantissa;
  if (rest > 0x1000 || (rest === 0x1000 && (mantissa & 1) === 1)) half += 1;
  return half;
}

function float16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, toHalf(v), true));
  return out;
}

class GraphBuilder {
  readonly nodes: NodeInit[] = [];
  readonly initializers: TensorInit[] = [];

  constructor(private readonly format: WeightFormat) {}

  constant(name: string, dims: number[], type: TensorTypeCode, raw: Uint8Array): string {
    this.initializers.push({ name, dims, type, raw });
    return name;
  }

  scalarFloat(name: string, value: number): string {
    return this.constant(name, [], TensorType.FLOAT, float32Bytes(Float32Array.of(value)));
  }

  /** A float weight in the file's format, as a float32 value of the graph. */
  weight(name: string, dims: number[], values: Float32Array): string {
    if (this.format === 'fp32') return this.constant(name, dims, TensorType.FLOAT, float32Bytes(values));
    if (this.format === 'fp16') {
      this.constant(`${name}_fp16`, dims, TensorType.FLOAT16, float16Bytes(values));
      return this.node('Cast', [`${name}_fp16`], name, { to: { kind: 'int', value: TensorType.FLOAT } });
    }
    // Per-tensor asymmetric uint8 quantization, as the Hub's *_quantized files store weights.
    let min = 0;
    let max = 0;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const scale = (max - min) / 255 || 1;
    const zeroPoint = Math.round(-min / scale);
    const q = Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v / scale) + zeroPoint)));
    this.constant(`${name}_q`, dims, TensorType.UINT8, q);
    this.scalarFloat(`${name}_scale`, scale);
    this.constant(`${name}_zero`, [], TensorType.UINT8, Uint8Array.of(zeroPoint));
    return this.node('DequantizeLinear', [`${name}_q`, `${name}_scale`, `${name}_zero`], name);
  }

  node(op: string, inputs: string[], output: string, attributes?: NodeInit['attributes']): string {
    this.nodes.push({ op, inputs, outputs: [output], attributes });
    return output;
  }
}

function buildGraph(format: WeightFormat, vocabSize: number, head: FixtureHead = 'encoder'): GraphInit {
  const rng = random(SEED);
  const uniform = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const H = FIXTURE_HIDDEN;
  const g = new GraphBuilder(format);

  // Embeddings: word + token type + position, then LayerNorm.
  const wordEmb = g.weight('word_embeddings', [vocabSize, H], uniform(vocabSize * H, 1));
  const typeEmb = g.weight('token_type_embeddings', [2, H], uniform(2 * H, 0.1));
  const posEmb = g.weight(
    'position_embeddings',
    [FIXTURE_MAX_LENGTH, H],
    uniform(FIXTURE_MAX_LENGTH * H, 0.3),
  );
  const word = g.node('Gather', [wordEmb, 'input_ids'], 'word');
  const type = g.node('Gather', [typeEmb, 'token_type_ids'], 'type');
  const shape = g.node('Shape', ['input_ids'], 'ids_shape');
  g.constant('one_i64', [], TensorType.INT64, int64Bytes([1]));
  g.constant('zero_i64', [], TensorType.INT64, int64Bytes([0]));
  const seqLen = g.node('Gather', [shape, 'one_i64'], 'seq_len', { axis: { kind: 'int', value: 0 } });
  const positions = g.node('Range', ['zero_i64', seqLen, 'one_i64'], 'positions');
  const pos = g.node('Gather', [posEmb, positions], 'pos');
  const embSum = g.node('Add', [g.node('Add', [word, type], 'word_type'), pos], 'emb_sum');
  const layerNorm = (input: string, name: string) =>
    g.node(
      'LayerNormalization',
      [input, g.weight(`${name}_gamma`, [H], ones(H)), g.weight(`${name}_beta`, [H], uniform(H, 0.02))],
      name,
      { axis: { kind: 'int', value: -1 }, epsilon: { kind: 'float', value: 1e-12 } },
    );
  const dense = (input: string, name: string, inDim: number, outDim: number) =>
    g.node(
      'Add',
      [
        g.node(
          'MatMul',
          [input, g.weight(`${name}_w`, [inDim, outDim], uniform(inDim * outDim, 1 / Math.sqrt(inDim)))],
          `${name}_mm`,
        ),
        g.weight(`${name}_b`, [outDim], uniform(outDim, 0.02)),
      ],
      name,
    );
  const x = layerNorm(embSum, 'emb_ln');

  // Single-head self-attention; padded keys get -10000 before the softmax (as BERT's extended mask).
  const q = dense(x, 'query', H, H);
  const k = dense(x, 'key', H, H);
  const v = dense(x, 'value', H, H);
  const kT = g.node('Transpose', [k], 'key_t', { perm: { kind: 'ints', value: [0, 2, 1] } });
  const scores = g.node(
    'Mul',
    [g.node('MatMul', [q, kT], 'scores_raw'), g.scalarFloat('inv_sqrt_h', 1 / Math.sqrt(H))],
    'scores',
  );
  const maskF = g.node('Cast', ['attention_mask'], 'mask_f', {
    to: { kind: 'int', value: TensorType.FLOAT },
  });
  g.constant('axes_1', [1], TensorType.INT64, int64Bytes([1]));
  const mask3 = g.node('Unsqueeze', [maskF, 'axes_1'], 'mask_3d');
  const maskBias = g.node(
    'Mul',
    [g.node('Sub', [g.scalarFloat('one_f', 1), mask3], 'mask_inv'), g.scalarFloat('mask_value', -10000)],
    'mask_bias',
  );
  const probs = g.node('Softmax', [g.node('Add', [scores, maskBias], 'scores_masked')], 'probs', {
    axis: { kind: 'int', value: -1 },
  });
  const context = g.node('MatMul', [probs, v], 'context');
  const attnOut = dense(context, 'attn_out', H, H);
  const h1 = layerNorm(g.node('Add', [x, attnOut], 'attn_res'), 'attn_ln');

  // Feed-forward with tanh, residual, LayerNorm.
  const ff = g.node('Tanh', [dense(h1, 'ffn_in', H, FFN)], 'ffn_act');
  const ffOut = dense(ff, 'ffn_out', FFN, H);
  const out = layerNorm(g.node('Add', [h1, ffOut], 'ffn_res'), 'out_ln');
  const io = (name: string) => ({ name, type: TensorType.INT64, shape: ['batch_size', 'sequence_length'] });
  const inputs = [io('input_ids'), io('attention_mask'), io('token_type_ids')];
  if (head === 'encoder') {
    g.node('Identity', [out], 'last_hidden_state');
    return {
      name: 'tiny_bert',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs,
      outputs: [
        {
          name: 'last_hidden_state',
          type: TensorType.FLOAT,
          shape: ['batch_size', 'sequence_length', H],
        },
      ],
    };
  }

  // BERT's classification head: the [CLS] vector, a tanh pooler, one logit. Its weights come after the
  // encoder's from the same generator, so the encoder part is the embedding fixture's own. The logit
  // layer's larger scale spreads the scores over a few units, as a trained cross-encoder's logits are.
  const cls = g.node('Gather', [out, 'zero_i64'], 'cls', { axis: { kind: 'int', value: 1 } });
  const pooled = g.node('Tanh', [dense(cls, 'pooler', H, H)], 'pooled');
  g.node(
    'Add',
    [
      g.node('MatMul', [pooled, g.weight('classifier_w', [H, 1], uniform(H, 1))], 'classifier_mm'),
      g.weight('classifier_b', [1], uniform(1, 0.1)),
    ],
    'logits',
  );
  return {
    name: 'tiny_bert_for_sequence_classification',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs,
    outputs: [{ name: 'logits', type: TensorType.FLOAT, shape: ['batch_size', 1] }],
  };
}

function tokenizerJson(vocab: string[]): object {
  const id = (token: string) => vocab.indexOf(token);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

/** The common part of both fixtures' config.json. */
function bertConfig(vocabSize: number): Record<string, unknown> {
  return {
    model_type: 'bert',
    hidden_size: FIXTURE_HIDDEN,
    intermediate_size: FFN,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    max_position_embeddings: FIXTURE_MAX_LENGTH,
    type_vocab_size: 2,
    vocab_size: vocabSize,
    pad_token_id: 0,
    layer_norm_eps: 1e-12,
    hidden_act: 'tanh',
  };
}

/** A fixture's files, relative path → bytes: config, tokenizer, and the three ONNX weight files. */
function fixtureFiles(head: FixtureHead, config: Record<string, unknown>): Map<string, Uint8Array> {
  const vocab = fixtureVocabulary();
  const json = (value: object) => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');
  const files = new Map<string, Uint8Array>();
  files.set('config.json', json(config));
  files.set('tokenizer.json', json(tokenizerJson(vocab)));
  files.set(
    'tokenizer_config.json',
    json({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: FIXTURE_MAX_LENGTH,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
      clean_up_tokenization_spaces: true,
    }),
  );
  const suffix: Record<WeightFormat, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };
  for (const format of ['fp32', 'fp16', 'q8'] as const) {
    files.set(
      `onnx/model${suffix[format]}.onnx`,
      encodeModel(buildGraph(format, vocab.length, head), 17, 'refinement-explorer fixture'),
    );
  }
  return files;
}

/** The embedding fixture's files, relative path → bytes. */
export function fixtureModelFiles(): Map<string, Uint8Array> {
  return fixtureFiles('encoder', {
    _comment: 'Test fixture written by scripts/make-fixture-model.ts: random weights, BERT-shaped.',
    architectures: ['BertModel'],
    ...bertConfig(fixtureVocabulary().length),
  });
}

/** The cross-encoder fixture's files (a one-logit `BertForSequenceClassification`), relative path → bytes. */
export function crossEncoderFixtureFiles(): Map<string, Uint8Array> {
  return fixtureFiles('classifier', {
    _comment:
      'Test fixture written by scripts/make-fixture-model.ts: random weights, a BERT-shaped cross-encoder.',
    architectures: ['BertForSequenceClassification'],
    ...bertConfig(fixtureVocabulary().length),
    num_labels: 1,
    id2label: { '0': 'LABEL_0' },
    label2id: { LABEL_0: 0 },
    sbert_ce_default_activation_function: 'torch.nn.modules.linear.Identity',
  });
}

/** Writes `files` into `dir` (created if needed), each to a temporary name and renamed. */
async function writeFiles(dir: string, files: Map<string, Uint8Array>): Promise<string> {
  const root = path.resolve(dir);
  for (const [relative, bytes] of files) {
    const target = path.join(root, relative);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  }
  return root;
}

/**
 * Writes the embedding fixture into `dir` (created if needed). Each file is written to a temporary name and
 * renamed, so a reader never sees a half-written file. Returns the absolute folder.
 */
export function writeFixtureModel(dir: string = DEFAULT_FIXTURE_DIR): Promise<string> {
  return writeFiles(dir, fixtureModelFiles());
}

/** Writes the cross-encoder fixture into `dir`, as `writeFixtureModel`. Returns the absolute folder. */
export function writeCrossEncoderFixture(dir: string = DEFAULT_CROSS_ENCODER_FIXTURE_DIR): Promise<string> {
  return writeFiles(dir, crossEncoderFixtureFiles());
}

const USAGE = `Writes the test fixture models (random weights, BERT-shaped; see the comment at the top of this file).

Usage: npm run fixture-model -- [DIR [CROSS_ENCODER_DIR]]
  DIR                the embedding fixture's folder (default ${DEFAULT_FIXTURE_DIR})
  CROSS_ENCODER_DIR  the cross-encoder fixture's folder (default: tiny-cross-encoder beside DIR, or
                     ${DEFAULT_CROSS_ENCODER_FIXTURE_DIR})
  -h, --help         this text
`;

async function main(argv: string[]): Promise<void> {
  // strict: an unknown flag is an error, not a folder named "--something".
  const { values, positionals } = parseArgs({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (positionals.length > 2) throw new Error(`at most two folders, got ${positionals.length}`);
  const [first, second] = positionals;
  const dir = await writeFixtureModel(first);
  process.stdout.write(`Fixture model written to ${dir}\n`);
  const crossDir = await writeCrossEncoderFixture(
    second ??
      (first ? path.join(path.dirname(dir), 'tiny-cross-encoder') : DEFAULT_CROSS_ENCODER_FIXTURE_DIR),
  );
  process.stdout.write(`Cross-encoder fixture written to ${crossDir}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`make-fixture-model: ${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
  }
}
