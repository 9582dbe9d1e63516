import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EmbedderSettings } from '../core/embedding/embedderFactory';
import {
  EMBEDDING_DTYPES,
  EMBEDDING_MODELS,
  findRegisteredModel,
  ONNX_FILE_OF_DTYPE,
  POOLINGS,
  type EmbeddingDtype,
  type Pooling,
} from '../core/embedding/modelRegistry';
import {
  DEFAULT_DOCUMENT_TEMPLATE,
  DEFAULT_QUERY_TEMPLATE,
  unescapeTemplate,
} from '../core/embedding/templates';
import type { ProgressListener } from '../core/progress';
import { isRemoteEmbeddingModel, REMOTE_EMBEDDING_MODELS } from '../core/embedding/remoteModels';
import { EmbeddingFileCache } from './embeddingFileCache';
import { isFile, localModelFolder, requireModelFiles, unnamedOnnxHint } from './localModelFolder';
import { useModelCacheFolder } from './modelCacheFolder';
import { remoteEmbedderSettings } from './remoteEmbedding';

/**
 * The embedding options shared by `npm run experiment` and `npm run embed-docs`: the model (a registered
 * name, a Hub id or a folder) and how it runs, its templates, and the caches. `EMBEDDING_ARG_OPTIONS` goes
 * into `parseArgs`, `parseEmbeddingOptions` reads the values back.
 */
export const EMBEDDING_ARG_OPTIONS = {
  'embedding-model': { type: 'string', default: 'lsa' },
  'embedding-dtype': { type: 'string', default: 'fp32' },
  'embedding-revision': { type: 'string' },
  'embedding-batch-size': { type: 'string' },
  pooling: { type: 'string' },
  'max-length': { type: 'string' },
  'query-template': { type: 'string' },
  'document-template': { type: 'string' },
  instruction: { type: 'string' },
  'embedding-cache-dir': { type: 'string', default: '.cache' },
  'no-embedding-cache': { type: 'boolean', default: false },
} as const;

export const EMBEDDING_USAGE = `  --embedding-model NAME     lsa (LSA, 256 dims), lsa-<dims>, a registered neural model
                             (${EMBEDDING_MODELS.map((m) => m.name).join(', ')}),
                             any Hugging Face Hub id with ONNX weights (org/name, with --pooling), or a
                             local model folder in the Hub's layout (default lsa; see docs/embedding-models.md), or
                             remote:<model>: a model on an OpenAI-compatible embeddings server (vLLM,
                             text-embeddings-inference, LiteLLM, OpenAI/<model>) through --server-url or
                             directly with EMBED_BASE_URL / BASE_URL (templates known for
                             ${REMOTE_EMBEDDING_MODELS.slice(0, 6)
                               .map((m) => m.name)
                               .join(', ')})
  --embedding-dtype T        fp32 | fp16 | q8: which ONNX weights to run (default fp32)
  --embedding-revision REV   Hub branch, tag or commit (default main)
  --embedding-batch-size N   texts per model call (default 32; lowered automatically on out-of-memory);
                             remote:<model>: texts per request to the server (default 256)
  --pooling P                mean | cls | last_token (registered models have their own; others need it)
  --max-length N             truncate texts to N tokens (default: the model's maximum)
  --query-template T         how a query is embedded; {instruction} is the dataset's task instruction
                             (default ${JSON.stringify(DEFAULT_QUERY_TEMPLATE)}, or the model's own)
  --document-template T      how a document is embedded (default ${JSON.stringify(DEFAULT_DOCUMENT_TEMPLATE)}, or the model's own);
                             \\n and \\t in templates stand for a newline and a tab
  --instruction TEXT         the task instruction instead of the dataset's
  --embedding-cache-dir DIR  embedding vectors (embeddings/) and downloaded models (models/) are kept
                             here (default .cache)
  --no-embedding-cache       embed everything again, and store nothing
`;

export interface EmbeddingCliOptions {
  model: string;
  dtype: EmbeddingDtype;
  revision?: string;
  batchSize?: number;
  pooling?: Pooling;
  maxLength?: number;
  queryTemplate?: string;
  documentTemplate?: string;
  instruction?: string;
  cacheDir: string;
  useCache: boolean;
}

type EmbeddingValues = {
  [K in keyof typeof EMBEDDING_ARG_OPTIONS]?: (typeof EMBEDDING_ARG_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : string;
};

/** Reads and checks the values of `EMBEDDING_ARG_OPTIONS`. Throws an Error with a readable message. */
export function parseEmbeddingOptions(values: EmbeddingValues): EmbeddingCliOptions {
  const dtype = values['embedding-dtype'] ?? 'fp32';
  if (!(EMBEDDING_DTYPES as readonly string[]).includes(dtype))
    throw new Error(`--embedding-dtype must be one of ${EMBEDDING_DTYPES.join(', ')}, got "${dtype}"`);
  const pooling = values.pooling;
  if (pooling !== undefined && !(POOLINGS as readonly string[]).includes(pooling))
    throw new Error(`--pooling must be one of ${POOLINGS.join(', ')}, got "${pooling}"`);
  const template = (text: string | undefined) => (text === undefined ? undefined : unescapeTemplate(text));
  return {
    model: (values['embedding-model'] ?? 'lsa').trim(),
    dtype: dtype as EmbeddingDtype,
    revision: values['embedding-revision'],
    batchSize: positiveInt('embedding-batch-size', values['embedding-batch-size']),
    pooling: pooling as Pooling | undefined,
    maxLength: positiveInt('max-length', values['max-length']),
    queryTemplate: template(values['query-template']),
    documentTemplate: template(values['document-template']),
    instruction: values.instruction,
    cacheDir: values['embedding-cache-dir'] ?? '.cache',
    useCache: !values['no-embedding-cache'],
  };
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

/** True for the LSA embedders, which need neither models nor caches. */
export function isLsaModel(name: string): boolean {
  return /^lsa(-\d+)?$/i.test(name.trim());
}

/**
 * The model reference as the engine takes it: a local folder becomes its absolute path (checked now, so a
 * wrong folder fails before any work); registered names and Hub ids stay as they are. Also returns the
 * folder's fingerprint, the cache's "revision" of a local model: a hash of its config and tokenizer and of
 * the ONNX file's size and modification time (so editing the folder invalidates its cached vectors).
 */
export function resolveModelReference(
  reference: string,
  dtype: EmbeddingDtype,
  cwd = process.cwd(),
): { name: string; revision?: string } {
  if (isLsaModel(reference) || findRegisteredModel(reference)) return { name: reference };
  const full = localModelFolder(reference, `--embedding-model ${reference}`, cwd);
  if (!full) return { name: reference };
  requireModelFiles(
    full,
    "A model folder has the Hub's layout: config.json, tokenizer.json, tokenizer_config.json and " +
      'onnx/model.onnx (or model_fp16/model_quantized)',
  );
  const onnx = ONNX_FILE_OF_DTYPE[dtype];
  if (!isFile(path.join(full, onnx))) {
    const present = EMBEDDING_DTYPES.filter((d) => isFile(path.join(full, ONNX_FILE_OF_DTYPE[d])));
    throw new Error(
      `${full} has no ONNX weights for dtype ${dtype} (${onnx} is missing)` +
        (present.length
          ? `; it has ${present.map((d) => `${ONNX_FILE_OF_DTYPE[d]} (--embedding-dtype ${d})`).join(', ')}`
          : unnamedOnnxHint(full, 'onnx/model.onnx, onnx/model_fp16.onnx, onnx/model_quantized.onnx')),
    );
  }
  const hash = createHash('sha256');
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json'])
    if (isFile(path.join(full, f))) hash.update(f).update(readFileSync(path.join(full, f)));
  const weights = statSync(path.join(full, onnx));
  hash.update(`${onnx}:${weights.size}:${weights.mtimeMs}`);
  return { name: full, revision: `local-${hash.digest('hex').slice(0, 16)}` };
}

/**
 * The embedder name and settings for `options` in Node: the folder resolved (`resolveModelReference`), the
 * vector cache in `<embedding-cache-dir>/embeddings` and downloaded models in `<embedding-cache-dir>/models`.
 */
export function nodeEmbedderSettings(
  options: EmbeddingCliOptions,
  extra: {
    instruction?: string;
    onLoadProgress?: ProgressListener;
    onNote?: (note: string) => void;
    /** `remote:<model>` goes through this app server; without it, to the upstream directly. */
    serverUrl?: string;
  } = {},
): { name: string; settings: EmbedderSettings } {
  if (isRemoteEmbeddingModel(options.model))
    return { name: options.model, settings: remoteEmbedderSettings(options, extra) };
  const resolved = resolveModelReference(options.model, options.dtype);
  if (isLsaModel(resolved.name)) return { name: resolved.name, settings: {} };
  useModelCacheFolder(options.cacheDir);
  return {
    name: resolved.name,
    settings: {
      device: 'cpu',
      dtype: options.dtype,
      revision: options.revision ?? resolved.revision,
      batchSize: options.batchSize,
      pooling: options.pooling,
      maxLength: options.maxLength,
      queryTemplate: options.queryTemplate,
      documentTemplate: options.documentTemplate,
      instruction: options.instruction ?? extra.instruction,
      cache: options.useCache ? new EmbeddingFileCache(path.join(options.cacheDir, 'embeddings')) : undefined,
      onLoadProgress: extra.onLoadProgress,
      onNote: extra.onNote,
    },
  };
}

/** The registry as a table, for `--list-models`. */
export function describeRegisteredModels(): string {
  const lines = EMBEDDING_MODELS.map(
    (m) =>
      `${m.name}\n  Hub id ${m.hubId} (also ${m.aliases.join(', ')}); ${m.description}\n` +
      `  pooling ${m.pooling}, ${m.dims} dims, max ${m.maxLength} tokens, dtypes ${m.dtypes.join(', ')}\n` +
      `  query template    ${JSON.stringify(m.templates.query)}\n` +
      `  document template ${JSON.stringify(m.templates.document)}`,
  );
  return (
    `${lines.join('\n')}\n\nAny other Hub id (org/name) with ONNX weights, or a local folder in the Hub's layout, ` +
    `works with --pooling; its templates default to ${JSON.stringify(DEFAULT_QUERY_TEMPLATE)} and ` +
    `${JSON.stringify(DEFAULT_DOCUMENT_TEMPLATE)}.\n\nOn an OpenAI-compatible embeddings server (remote:<model>, the server's model name; ` +
    `see docs/embedding-models.md, "Large embedding models"):\n` +
    REMOTE_EMBEDDING_MODELS.map(
      (m) =>
        `${m.name}${m.aliases.length ? ` (also ${m.aliases.join(', ')})` : ''}: ${m.description}; ${m.dims} dims\n` +
        `  query template    ${JSON.stringify(m.templates.query)}\n` +
        `  document template ${JSON.stringify(m.templates.document)}\n`,
    ).join('')
  );
}
