import { matrix, type Matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { csrOperator } from './csrMatrix';
import { randomizedSvd } from './randomizedSvd';
import type { LsaParallelism, ParallelSvd } from './svdKernels';
import { DEFAULT_MAX_VOCABULARY, TfidfVectorizer } from './tfidf';
import type { Embedder } from './types';
import { yieldToEventLoop } from '../yieldToEventLoop';

export interface LsaEmbedderOptions {
  /** Requested dimensions (default 256); fewer when the corpus has fewer documents or terms. */
  dims?: number;
  /** Seed of the randomized SVD (default 42). */
  seed?: number;
  /** Subspace iterations of the randomized SVD (default 4). */
  powerIterations?: number;
  /** Largest vocabulary, the terms in the most documents (default 50,000). */
  maxVocabulary?: number;
  /** Threads for the SVD, with the same results (default: the calling thread alone). */
  parallelism?: LsaParallelism;
}

const DEFAULT_DIMS = 256;
const DEFAULT_SEED = 42;
const DEFAULT_POWER_ITERATIONS = 4;
/** Rows embedded between two progress reports / cancellation checks. */
const EMBED_CHUNK = 2048;

interface FittedLsa {
  vectorizer: TfidfVectorizer;
  /** Row-major terms x dims: the components, term by term, for projecting sparse rows. */
  termComponents: Float64Array;
  singularValues: Float64Array;
  dims: number;
}

/**
 * Latent semantic analysis fitted on the corpus: TF-IDF (sublinear tf, smooth idf, L2 rows) followed by
 * a randomized truncated SVD, as scikit-learn's `TfidfVectorizer` + `TruncatedSVD`. Documents and queries
 * are both embedded as their TF-IDF row times the components (`X·Vᵀ`, i.e. `TruncatedSVD.transform`),
 * unnormalised. Needs no download; deterministic for a seed.
 */
export class LsaEmbedder implements Embedder {
  readonly id: string;
  private readonly requestedDims: number;
  private readonly seed: number;
  private readonly powerIterations: number;
  private readonly maxVocabulary: number;
  private readonly parallelism: LsaParallelism | undefined;
  private fitted: FittedLsa | null = null;

  constructor(options: LsaEmbedderOptions = {}) {
    this.requestedDims = options.dims ?? DEFAULT_DIMS;
    this.seed = options.seed ?? DEFAULT_SEED;
    this.powerIterations = options.powerIterations ?? DEFAULT_POWER_ITERATIONS;
    this.maxVocabulary = options.maxVocabulary ?? DEFAULT_MAX_VOCABULARY;
    this.parallelism = options.parallelism;
    if (!Number.isInteger(this.requestedDims) || this.requestedDims < 1) {
      throw new Error(`LSA embedder: dims must be a positive integer, got ${this.requestedDims}`);
    }
    if (!Number.isInteger(this.powerIterations) || this.powerIterations < 0) {
      throw new Error(
        `LSA embedder: powerIterations must be a non-negative integer, got ${this.powerIterations}`,
      );
    }
    if (!Number.isInteger(this.seed)) {
      throw new Error(`LSA embedder: seed must be an integer, got ${this.seed}`);
    }
    if (!Number.isInteger(this.maxVocabulary) || this.maxVocabulary < 1) {
      throw new Error(`LSA embedder: maxVocabulary must be a positive integer, got ${this.maxVocabulary}`);
    }
    let id = `lsa-${this.requestedDims}-seed${this.seed}`;
    if (this.powerIterations !== DEFAULT_POWER_ITERATIONS) id += `-iter${this.powerIterations}`;
    if (this.maxVocabulary !== DEFAULT_MAX_VOCABULARY) id += `-vocab${this.maxVocabulary}`;
    this.id = id;
  }

  /** The requested dimensions before `fit`; after it, min(requested, documents, vocabulary size). */
  get dims(): number {
    return this.fitted?.dims ?? this.requestedDims;
  }

  /** Singular values of the fitted TF-IDF matrix, descending (null before `fit`). */
  get singularValues(): Float64Array | null {
    return this.fitted?.singularValues ?? null;
  }

  /** The fitted vocabulary, by TF-IDF column (empty before `fit`). */
  get vocabulary(): readonly string[] {
    return this.fitted?.vectorizer.vocabulary ?? [];
  }

  async fit(documents: string[], options: LongTaskOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    if (documents.length === 0) throw new Error('LSA embedder: cannot fit on an empty corpus');
    // The threads of the fit, if any, end with it, however it ends.
    const parallel = this.parallelism?.open();
    try {
      this.fitted = await this.fitOn(documents, options, parallel);
    } finally {
      await parallel?.close();
    }
  }

  private async fitOn(
    documents: string[],
    { signal, onProgress }: LongTaskOptions,
    parallel: ParallelSvd | undefined,
  ): Promise<FittedLsa> {
    // One scale for the whole fit, TF-IDF its first unit and the SVD's passes after it, so that a bar shown
    // for the fit (the pipeline's "fit embedder") only moves forward.
    const report = (done: number, total: number) => onProgress?.({ stage: 'LSA: fit', done, total });
    report(0, 1);
    const vectorizer = new TfidfVectorizer({ maxVocabulary: this.maxVocabulary });
    const tfidf = vectorizer.fitTransform(documents);
    if (tfidf.cols === 0) {
      throw new Error(
        'LSA embedder: the documents contain no indexable words (words of two or more letters or digits, ' +
          'other than common English stop words); pick a neural embedder for this corpus',
      );
    }
    await yieldToEventLoop();
    throwIfAborted(signal);

    const operator = parallel ? parallel.operator(tfidf) : csrOperator(tfidf);
    const svd = await randomizedSvd(operator, this.requestedDims, {
      seed: this.seed,
      oversamples: 10,
      powerIterations: this.powerIterations,
      signal,
      onProgress: (e) => report(1 + e.done, 1 + e.total),
      kernels: parallel?.kernels,
    });
    const dims = svd.rank;
    const terms = tfidf.cols;
    const termComponents = new Float64Array(terms * dims);
    for (let j = 0; j < dims; j++) {
      for (let t = 0; t < terms; t++) termComponents[t * dims + j] = svd.components[j * terms + t];
    }
    return { vectorizer, termComponents, singularValues: svd.singularValues, dims };
  }

  embedDocuments(texts: string[], options?: LongTaskOptions): Promise<Matrix> {
    return this.embed(texts, 'LSA: embed documents', options);
  }

  embedQueries(texts: string[], options?: LongTaskOptions): Promise<Matrix> {
    return this.embed(texts, 'LSA: embed queries', options);
  }

  private async embed(texts: string[], stage: string, options: LongTaskOptions = {}): Promise<Matrix> {
    const { signal, onProgress } = options;
    const fitted = this.fitted;
    if (!fitted) throw new Error('LSA embedder: call fit(documents) before embedding texts');
    throwIfAborted(signal);
    const { vectorizer, termComponents, dims } = fitted;
    const out = matrix(texts.length, dims);
    const accumulator = new Float64Array(dims);
    for (let start = 0; start < texts.length; start += EMBED_CHUNK) {
      const chunk = vectorizer.transform(texts.slice(start, start + EMBED_CHUNK));
      const { indptr, indices, values } = chunk;
      for (let r = 0; r < chunk.rows; r++) {
        accumulator.fill(0);
        for (let e = indptr[r]; e < indptr[r + 1]; e++) {
          const x = values[e];
          const base = indices[e] * dims;
          for (let j = 0; j < dims; j++) accumulator[j] += x * termComponents[base + j];
        }
        out.data.set(accumulator, (start + r) * dims);
      }
      const done = Math.min(start + EMBED_CHUNK, texts.length);
      onProgress?.({ stage, done, total: texts.length });
      if (done < texts.length) {
        await yieldToEventLoop();
        throwIfAborted(signal);
      }
    }
    return out;
  }
}
