import { readFileSync } from 'node:fs';
import path from 'node:path';
import { memoryFiles } from '../core/datasets/memoryFiles';
import type { DataFiles } from '../core/datasets/types';
import { readJson } from './readJson';

/**
 * For tests: the shared folder beside the repository (../shared), with the real datasets (data/) and what
 * the Python reference recorded (reference/: golden files and a reference run).
 */

const repoRoot = path.resolve(decodeURIComponent(new URL('../..', import.meta.url).pathname));

/** ../shared/data: the real datasets, one folder each (ArgKP21, Clinc150, …). */
export const SHARED_DATA_DIR = path.resolve(repoRoot, '../shared/data');

/** ../shared/reference: the reference's golden files. */
export const SHARED_REFERENCE_DIR = path.resolve(repoRoot, '../shared/reference');

/** ../shared/reference/reference-run: a run folder the Python reference wrote. */
export const REFERENCE_RUN_DIR = path.join(SHARED_REFERENCE_DIR, 'reference-run');

/** The files of the reference run that the app reads: its config, raw scores and each topic's tensors. */
export const REFERENCE_RUN_FILES = [
  'experiment_config.json',
  'embeddings_raw_scores.parquet',
  'optimized_embeddings_raw_scores.parquet',
  'tensors/What_is_the_baggage_allowance/query_updates.pt',
  'tensors/How_do_I_get_a_refund_for_a_cancelled_flight/query_updates.pt',
  'tensors/Renting_a_car__what_do_I_need/query_updates.pt',
];

/** `REFERENCE_RUN_FILES` held in memory, as the browser holds a folder that a user picked. */
export function referenceRunInMemory(): DataFiles {
  return memoryFiles(
    'reference-run',
    Object.fromEntries(
      REFERENCE_RUN_FILES.map((f) => [f, new Uint8Array(readFileSync(path.join(REFERENCE_RUN_DIR, f)))]),
    ),
  );
}

/** `Random(seed)`'s teacher sample: `list(range(top)) + Random(seed).sample(range(top, n), total - top)`. */
export interface GoldenDocumentSample {
  seed: number;
  scores_from_top: number;
  candidates: number;
  total_scores: number;
  /** Positions in the similarity ranking. */
  indices: number[];
}

/** The reference's cap of a corpus to `count` documents. */
export interface GoldenCorpusCap {
  /** e.g. "doc000000..doc029999 (zero-padded to 6 digits)" */
  sorted_other_ids: string;
  count: number;
  k: number;
  first_50: string[];
  last_10: string[];
  sum_of_positions: number | null;
}

/** One judge prompt case: the reference's prompts for a query and a document of a dataset. */
export interface GoldenLlmPrompt {
  dataset: string;
  task_instruction: string;
  query: string;
  document: string;
  yesno: string;
  verbalized: string;
}

/** The parts of ../shared/reference/reference-golden.json that tests read. */
export interface ReferenceGolden {
  instructions: Record<string, { instruction: string; task_type: string }>;
  templates: { query: string; document: string };
  embedded_queries: Array<{ dataset: string; text: string; embedded: string }>;
  embedded_documents: Array<{ text: string; embedded: string }>;
  document_samples: GoldenDocumentSample[];
  corpus_caps: GoldenCorpusCap[];
  llm_prompts: GoldenLlmPrompt[];
  hyde_prompts: { query: string; prompt: string }[];
  llm_settings: {
    yesno: {
      max_new_tokens: number;
      top_logprobs: number;
      tokens_checked: number;
      min_probability_mass: number;
      round_decimals: number;
      /** "not sent (server default)" */
      temperature: string;
      content_filter_score: number;
    };
    verbalized: { max_new_tokens: number; scale: [number, number]; parse_regex: string };
    hyde: { max_new_tokens: number; temperature: number };
  };
}

/** A JSON file of ../shared/reference, parsed (e.g. `readReferenceJson<T>('metrics-golden.json')`). */
export function readReferenceJson<T>(name: string): T {
  return readJson<T>(path.join(SHARED_REFERENCE_DIR, name));
}

/** ../shared/reference/reference-golden.json, parsed. */
export function readReferenceGolden(): ReferenceGolden {
  return readReferenceJson<ReferenceGolden>('reference-golden.json');
}
