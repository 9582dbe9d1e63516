import { LsaEmbedder } from './lsaEmbedder';
import { registeredModelNames, resolveEmbeddingModel, type ModelOverrides } from './modelRegistry';
import type { RemoteEmbeddingService } from './remoteEmbeddingApi';
import { RemoteEmbedder } from './remoteEmbedder';
import { isRemoteEmbeddingModel } from './remoteModels';
import type { LsaParallelism } from './svdKernels';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformersEmbedder';
import type { Embedder } from './types';

export const EMBEDDER_NAMES = [
  'lsa',
  'lsa-<dims>',
  ...registeredModelNames(),
  '<Hub id org/name>',
  '<model folder>',
  'remote:<model>',
] as const;

/** How a neural model is run and what the user overrode; LSA reads only `lsaParallelism`. */
export interface EmbedderSettings extends TransformersEmbedderOptions, ModelOverrides {
  /** How `remote:<model>` reaches its embeddings server (see remoteEmbedder.ts). */
  remote?: RemoteEmbeddingService;
  /** Threads for LSA's fit (default: the calling thread alone). */
  lsaParallelism?: LsaParallelism;
}

const LSA_NAME = /^lsa(?:-(\d+))?$/i;

/** Whether `name` is an LSA embedder's (`lsa`, `lsa-<dims>`). */
export function isLsaModelName(name: string): boolean {
  return LSA_NAME.test(name.trim());
}

/**
 * The embedder called `name`: `lsa` (256 dimensions) or `lsa-<dims>`, fitted on the dataset's documents
 * with `seed`; or a neural model on transformers.js: a registered model, any Hub id (with its pooling), or a
 * model folder (see `resolveEmbeddingModel`); or `remote:<model>`, a model on an OpenAI-compatible
 * embeddings server reached through `settings.remote` (see `RemoteEmbedder`). Creating one loads nothing: a
 * bad name fails here, a model that cannot be downloaded fails when it is first needed.
 */
export function createEmbedder(name: string, seed: number, settings: EmbedderSettings = {}): Embedder {
  const lsa = LSA_NAME.exec(name.trim());
  if (lsa) {
    const dims = lsa[1] === undefined ? 256 : Number(lsa[1]);
    if (dims < 1) throw new Error(`embedding model "${name}": LSA needs at least 1 dimension`);
    return new LsaEmbedder({ dims, seed, parallelism: settings.lsaParallelism });
  }
  if (isRemoteEmbeddingModel(name)) {
    if (!settings.remote)
      throw new Error(
        `embedding model "${name}" runs on an embeddings server: start the app server ("npm start") with ` +
          'EMBED_BASE_URL or BASE_URL set, and give its URL (--server-url), or set them for the CLI',
      );
    const { remote, instruction, queryTemplate, documentTemplate, batchSize, cache } = settings;
    return new RemoteEmbedder(name, {
      service: remote,
      instruction,
      queryTemplate,
      documentTemplate,
      batchSize,
      cache,
    });
  }
  const { pooling, normalize, maxLength, revision, queryTemplate, documentTemplate, ...run } = settings;
  const spec = resolveEmbeddingModel(name, {
    pooling,
    normalize,
    maxLength,
    revision,
    queryTemplate,
    documentTemplate,
  });
  return new TransformersEmbedder(spec, run);
}
