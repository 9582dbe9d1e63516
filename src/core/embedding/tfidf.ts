import type { CsrMatrix } from './csrMatrix';
import { tokenize } from './tokenizer';

export interface TfidfOptions {
  /** Keep only terms that occur in at least this many fitted documents (default 1). */
  minDocumentFrequency?: number;
  /** Keep at most this many terms, the ones in the most documents (ties: alphabetical; default 50,000). */
  maxVocabulary?: number;
}

export const DEFAULT_MAX_VOCABULARY = 50_000;

/**
 * TF-IDF weighting as scikit-learn's `TfidfVectorizer(sublinear_tf=True, norm='l2', smooth_idf=True)`:
 * tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1, each row scaled to unit L2 norm (rows with no
 * known term stay zero). Terms are the tokens of `tokenize`; columns are in code-unit order of the terms.
 */
export class TfidfVectorizer {
  private readonly minDocumentFrequency: number;
  private readonly maxVocabulary: number;
  private terms: string[] = [];
  private termIndex = new Map<string, number>();
  private idfWeights = new Float64Array(0);

  constructor(options: TfidfOptions = {}) {
    this.minDocumentFrequency = options.minDocumentFrequency ?? 1;
    this.maxVocabulary = options.maxVocabulary ?? DEFAULT_MAX_VOCABULARY;
    if (!(this.minDocumentFrequency >= 1)) throw new Error('TF-IDF: minDocumentFrequency must be at least 1');
    if (!(this.maxVocabulary >= 1)) throw new Error('TF-IDF: maxVocabulary must be at least 1');
  }

  /** The terms, by column. Empty before `fitTransform`. */
  get vocabulary(): readonly string[] {
    return this.terms;
  }

  /** The idf weight of each column. */
  get idf(): Float64Array {
    return this.idfWeights;
  }

  /** Learns vocabulary and idf from `documents` and returns their TF-IDF rows. */
  fitTransform(documents: readonly string[]): CsrMatrix {
    // Tokenize once, into provisional term ids, so that the vocabulary can be chosen afterwards.
    const provisional = new Map<string, number>();
    const provisionalTerms: string[] = [];
    const documentFrequency: number[] = [];
    const lastSeenIn: number[] = [];
    const rows: Int32Array[] = [];
    documents.forEach((text, d) => {
      const tokens = tokenize(text);
      const ids = new Int32Array(tokens.length);
      tokens.forEach((token, t) => {
        let id = provisional.get(token);
        if (id === undefined) {
          id = provisionalTerms.length;
          provisional.set(token, id);
          provisionalTerms.push(token);
          documentFrequency.push(0);
          lastSeenIn.push(-1);
        }
        if (lastSeenIn[id] !== d) {
          lastSeenIn[id] = d;
          documentFrequency[id]++;
        }
        ids[t] = id;
      });
      rows.push(ids);
    });

    let kept = provisionalTerms
      .map((_, id) => id)
      .filter((id) => documentFrequency[id] >= this.minDocumentFrequency);
    if (kept.length > this.maxVocabulary) {
      kept.sort(
        (a, b) =>
          documentFrequency[b] - documentFrequency[a] ||
          compareCodeUnits(provisionalTerms[a], provisionalTerms[b]),
      );
      kept = kept.slice(0, this.maxVocabulary);
    }
    kept.sort((a, b) => compareCodeUnits(provisionalTerms[a], provisionalTerms[b]));

    const column = new Int32Array(provisionalTerms.length).fill(-1);
    this.terms = kept.map((id, c) => {
      column[id] = c;
      return provisionalTerms[id];
    });
    this.termIndex = new Map(this.terms.map((term, c) => [term, c]));
    const n = documents.length;
    this.idfWeights = Float64Array.from(kept, (id) => Math.log((1 + n) / (1 + documentFrequency[id])) + 1);

    return this.weigh(rows.map((ids) => remap(ids, column)));
  }

  /** TF-IDF rows of `texts` with the fitted vocabulary and idf; unknown words are ignored. */
  transform(texts: readonly string[]): CsrMatrix {
    return this.weigh(
      texts.map((text) => {
        const ids: number[] = [];
        for (const token of tokenize(text)) {
          const c = this.termIndex.get(token);
          if (c !== undefined) ids.push(c);
        }
        return Int32Array.from(ids);
      }),
    );
  }

  /** Builds the weighted, normalised CSR matrix from each row's column ids (repeats = counts). */
  private weigh(rows: Int32Array[]): CsrMatrix {
    const indptr = new Int32Array(rows.length + 1);
    let nnz = 0;
    const sorted = rows.map((ids, i) => {
      const s = ids.slice().sort();
      for (let t = 0; t < s.length; t++) if (t === 0 || s[t] !== s[t - 1]) nnz++;
      indptr[i + 1] = nnz;
      return s;
    });
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    sorted.forEach((s, i) => {
      const start = indptr[i];
      let e = start;
      for (let t = 0; t < s.length;) {
        let end = t + 1;
        while (end < s.length && s[end] === s[t]) end++;
        indices[e] = s[t];
        values[e] = (1 + Math.log(end - t)) * this.idfWeights[s[t]];
        e++;
        t = end;
      }
      let norm = 0;
      for (let k = start; k < e; k++) norm += values[k] * values[k];
      if (norm > 0) {
        const scale = 1 / Math.sqrt(norm);
        for (let k = start; k < e; k++) values[k] *= scale;
      }
    });
    return { rows: rows.length, cols: this.terms.length, indptr, indices, values };
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Maps provisional ids to columns, dropping terms outside the vocabulary. */
function remap(ids: Int32Array, column: Int32Array): Int32Array {
  let count = 0;
  for (let t = 0; t < ids.length; t++) if (column[ids[t]] >= 0) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let t = 0; t < ids.length; t++) {
    const c = column[ids[t]];
    if (c >= 0) out[k++] = c;
  }
  return out;
}
