import { LsaEmbedder } from './lsaEmbedder';
import { registeredModelNames, resolveEmbeddingModel, type ModelOverrides } from './modelRegistry';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformersEmbedder';
import type { Embedder } from './types';

export const EMBEDDER_NAMES = [
  'lsa',
  'lsa-<dims>',
  ...registeredModelNames(),
  '<Hub id org/name>',
  '<model folder>',
] as const;

/** How a neural model is run and what the user overrode; ignored by LSA. */
export interface EmbedderSettings extends TransformersEmbedderOptions, ModelOverrides {}

/**
 * The embedder called `name`: `lsa` (256 dimensions) or `lsa-<dims>`, fitted on the dataset's documents
 * with `seed`; or a neural model on transformers.js: a registered model, any Hub id (with its pooling), or a
 * model folder (see `resolveEmbeddingModel`). Creating one loads nothing: a bad name fails here, a model
 * that cannot be downloaded fails when it is first needed.
 */
export function createEmbedder(name: string, seed: number, settings: EmbedderSettings = {}): Embedder {
  const lsa = /^lsa(?:-(\d+))?$/i.exec(name.trim());
  if (lsa) {
    const dims = lsa[1] === undefined ? 256 : Number(lsa[1]);
    if (dims < 1) throw new Error(`embedding model "${name}": LSA needs at least 1 dimension`);
    return new LsaEmbedder({ dims, seed });
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
