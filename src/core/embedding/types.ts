import type { Matrix } from '../matrix';
import type { LongTaskOptions } from '../progress';
import type { EmbeddingTemplates } from './templates';

/**
 * Turns texts into embedding rows. Some embedders (LSA) are fitted on the corpus first; neural ones
 * are not. Rows are not necessarily normalised: the engine normalises where the method needs it.
 */
export interface Embedder {
  /** Identifies model + settings, recorded in outputs and used as a cache key. */
  readonly id: string;
  /** Known after construction (neural) or after `fit` (LSA). */
  readonly dims: number;
  /**
   * The query and document templates the texts are embedded with, the task instruction filled in (what
   * config.json records, see `templatesConfig`); absent for an embedder that takes texts as they are (LSA).
   */
  readonly templates?: EmbeddingTemplates;
  /**
   * What config.json records about this embedder besides its id, dims and templates (device, pooling, cache
   * use, ...), read when the run is written; absent where there is nothing more to say (LSA).
   */
  configFields?(): Record<string, unknown>;
  /** Prepares the embedder on the corpus documents; a no-op for pretrained models. */
  fit(documents: string[], options?: LongTaskOptions): Promise<void>;
  embedDocuments(texts: string[], options?: LongTaskOptions): Promise<Matrix>;
  embedQueries(texts: string[], options?: LongTaskOptions): Promise<Matrix>;
}
