import { LsaEmbedder } from './lsaEmbedder';
import type { Embedder } from './types';

export const EMBEDDER_NAMES = ['lsa', 'lsa-<dims>'] as const;

/**
 * The embedder called `name`: `lsa` (256 dimensions) or `lsa-<dims>`, fitted on the dataset's documents
 * with `seed`. Neural models join here with the model registry.
 */
export function createEmbedder(name: string, seed: number): Embedder {
  const lsa = /^lsa(?:-(\d+))?$/i.exec(name.trim());
  if (lsa) {
    const dims = lsa[1] === undefined ? 256 : Number(lsa[1]);
    if (dims < 1) throw new Error(`embedding model "${name}": LSA needs at least 1 dimension`);
    return new LsaEmbedder({ dims, seed });
  }
  throw new Error(`unknown embedding model "${name}"; known: ${EMBEDDER_NAMES.join(', ')}`);
}
