import {
  DEFAULT_DOCUMENT_TEMPLATE,
  DEFAULT_QUERY_TEMPLATE,
  validateTemplate,
  type EmbeddingTemplates,
} from './templates';

/** How token vectors become one text vector. */
export type Pooling = 'mean' | 'cls' | 'last_token';
export const POOLINGS: readonly Pooling[] = ['mean', 'cls', 'last_token'];

/** Weight files a model may provide on the Hub (`onnx/model.onnx`, `model_fp16.onnx`, `model_quantized.onnx`). */
export type EmbeddingDtype = 'fp32' | 'fp16' | 'q8';
export const EMBEDDING_DTYPES: readonly EmbeddingDtype[] = ['fp32', 'fp16', 'q8'];

/** The ONNX weight file of each dtype, in the Hub's layout. */
export const ONNX_FILE_OF_DTYPE: Record<EmbeddingDtype, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
};

/** What the engine knows about one neural embedding model. */
export interface RegisteredModel {
  /** Short name used on the command line and in the UI. */
  name: string;
  /** The Hub repository with ONNX weights that transformers.js loads. */
  hubId: string;
  /** Other ids that mean the same model (the original PyTorch repository). */
  aliases: string[];
  pooling: Pooling;
  normalize: boolean;
  /** Tokens per text; longer texts are truncated. */
  maxLength: number;
  dims: number;
  templates: EmbeddingTemplates;
  /** The dtypes whose ONNX files the Hub repository provides. */
  dtypes: EmbeddingDtype[];
  description: string;
}

export const EMBEDDING_MODELS: readonly RegisteredModel[] = [
  {
    name: 'Qwen3-Embedding-0.6B',
    hubId: 'onnx-community/Qwen3-Embedding-0.6B-ONNX',
    aliases: ['Qwen/Qwen3-Embedding-0.6B'],
    pooling: 'last_token',
    normalize: true,
    maxLength: 8192,
    dims: 1024,
    templates: { query: DEFAULT_QUERY_TEMPLATE, document: DEFAULT_DOCUMENT_TEMPLATE },
    dtypes: ['fp32', 'fp16', 'q8'],
    description: "the paper's default; instruction-tuned, last-token pooling",
  },
  {
    name: 'all-MiniLM-L6-v2',
    hubId: 'Xenova/all-MiniLM-L6-v2',
    aliases: ['sentence-transformers/all-MiniLM-L6-v2'],
    pooling: 'mean',
    normalize: true,
    maxLength: 256,
    dims: 384,
    templates: { query: '{text}', document: '{text}' },
    dtypes: ['fp32', 'fp16', 'q8'],
    description: 'small and fast; no instructions',
  },
  {
    name: 'bge-small-en-v1.5',
    hubId: 'Xenova/bge-small-en-v1.5',
    aliases: ['BAAI/bge-small-en-v1.5'],
    pooling: 'cls',
    normalize: true,
    maxLength: 512,
    dims: 384,
    templates: {
      query: 'Represent this sentence for searching relevant passages: {text}',
      document: '{text}',
    },
    dtypes: ['fp32', 'fp16', 'q8'],
    description: 'CLS pooling; fixed retrieval prefix on queries',
  },
  {
    name: 'e5-small-v2',
    hubId: 'Xenova/e5-small-v2',
    aliases: ['intfloat/e5-small-v2'],
    pooling: 'mean',
    normalize: true,
    maxLength: 512,
    dims: 384,
    templates: { query: 'query: {text}', document: 'passage: {text}' },
    dtypes: ['fp32', 'fp16', 'q8'],
    description: '"query: " / "passage: " prefixes',
  },
  {
    name: 'gte-small',
    hubId: 'Xenova/gte-small',
    aliases: ['thenlper/gte-small'],
    pooling: 'mean',
    normalize: true,
    maxLength: 512,
    dims: 384,
    templates: { query: '{text}', document: '{text}' },
    dtypes: ['fp32', 'fp16', 'q8'],
    description: 'mean pooling; no prefixes',
  },
];

/** Where a model's files come from. */
export type ModelSource = { kind: 'hub'; id: string } | { kind: 'folder'; path: string };

/** Everything the transformers.js embedder needs about a model, after the registry and user overrides. */
export interface EmbeddingModelSpec {
  /** As the user named it. */
  reference: string;
  /** The registry entry's name, if the model is registered. */
  registeredName?: string;
  source: ModelSource;
  /** Hub revision (branch, tag or commit); for a folder, a fingerprint of its files (see the CLI). */
  revision: string;
  pooling: Pooling;
  normalize: boolean;
  /** Upper bound on tokens per text; the tokenizer's and the config's limits also apply. */
  maxLength?: number;
  /** Known in advance for registered models. */
  dims?: number;
  templates: EmbeddingTemplates;
  /** Dtypes known to exist (registered models); undefined: try and see. */
  dtypes?: EmbeddingDtype[];
}

/** What a user may set on top of the registry (command-line options, UI fields). */
export interface ModelOverrides {
  pooling?: Pooling;
  normalize?: boolean;
  maxLength?: number;
  revision?: string;
  queryTemplate?: string;
  documentTemplate?: string;
}

const HUB_ID = /^[\w.-]+\/[\w.-]+$/;

/** True for references that name a folder: absolute paths and paths starting with `.` or `~`. */
export function isFolderReference(reference: string): boolean {
  return /^(\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/]|\\\\)/.test(reference);
}

/** The registered model that `reference` names (its name, Hub id or an alias, any case), if any. */
export function findRegisteredModel(reference: string): RegisteredModel | undefined {
  const key = reference.trim().toLowerCase();
  return EMBEDDING_MODELS.find(
    (m) =>
      m.name.toLowerCase() === key ||
      m.hubId.toLowerCase() === key ||
      m.aliases.some((a) => a.toLowerCase() === key),
  );
}

export function registeredModelNames(): string[] {
  return EMBEDDING_MODELS.map((m) => m.name);
}

/**
 * The spec of the model `reference` names: a registered model (by name, Hub id or alias), any other Hub id
 * (`org/name`), or a folder (absolute, or starting with `./`, `../`, `~/`) in the Hub's layout. Models
 * outside the registry need their pooling given. Throws a readable error for anything else.
 */
export function resolveEmbeddingModel(reference: string, overrides: ModelOverrides = {}): EmbeddingModelSpec {
  const trimmed = reference.trim();
  if (
    overrides.maxLength !== undefined &&
    (!Number.isInteger(overrides.maxLength) || overrides.maxLength < 1)
  )
    throw new Error(`maximum length must be a positive integer, got ${overrides.maxLength}`);
  if (overrides.pooling !== undefined && !POOLINGS.includes(overrides.pooling))
    throw new Error(`pooling must be one of ${POOLINGS.join(', ')}, got "${overrides.pooling}"`);
  const registered = findRegisteredModel(trimmed);
  const source: ModelSource | undefined = registered
    ? { kind: 'hub', id: registered.hubId }
    : isFolderReference(trimmed)
      ? { kind: 'folder', path: trimmed }
      : HUB_ID.test(trimmed)
        ? { kind: 'hub', id: trimmed }
        : undefined;
  if (!source) {
    throw new Error(
      `unknown embedding model "${reference}": use lsa, lsa-<dims>, a registered model ` +
        `(${registeredModelNames().join(', ')}), any Hugging Face Hub id (org/name) with its pooling, ` +
        `or a local model folder (a path starting with /, ./ or ../)`,
    );
  }
  const pooling = overrides.pooling ?? registered?.pooling;
  if (!pooling) {
    throw new Error(
      `embedding model "${reference}" is not in the registry, so its pooling must be given: ` +
        `${POOLINGS.join(', ')} (e.g. mean; see the model card)`,
    );
  }
  const templates = {
    query: overrides.queryTemplate ?? registered?.templates.query ?? DEFAULT_QUERY_TEMPLATE,
    document: overrides.documentTemplate ?? registered?.templates.document ?? DEFAULT_DOCUMENT_TEMPLATE,
  };
  validateTemplate(templates.query, 'query template');
  validateTemplate(templates.document, 'document template');
  return {
    reference: trimmed,
    registeredName: registered?.name,
    source,
    revision: overrides.revision ?? (source.kind === 'folder' ? 'local' : 'main'),
    pooling,
    normalize: overrides.normalize ?? registered?.normalize ?? true,
    maxLength: overrides.maxLength ?? registered?.maxLength,
    dims: registered?.dims,
    templates,
    dtypes: registered?.dtypes,
  };
}
