/**
 * How much memory a run's (query, candidate) pairs take, so that a dataset too large for the machine is
 * refused before it is loaded instead of growing until the machine swaps or the process dies (a 50 MB CSV
 * of labelled texts is tens of millions of pairs: every label is a query ranked against every text).
 */

/**
 * Bytes a run holds per pair, all stages together (candidates and labels, similarities and scores of every
 * computation type, ranks, the raw-score rows written out): about 3.3 GB for 29.9 million pairs, measured.
 */
export const BYTES_PER_CANDIDATE_PAIR = 110;

/** The pairs a machine with `memoryBytes` can hold. */
export function maxCandidatePairs(memoryBytes: number): number {
  return Math.floor(memoryBytes / BYTES_PER_CANDIDATE_PAIR);
}

/**
 * The one-line refusal of `pairs` pairs on a machine with `memoryBytes` (what: the dataset, how: what to
 * change), or undefined when they fit.
 */
export function tooManyCandidatePairs(
  pairs: number,
  memoryBytes: number,
  what: string,
  how: string,
): string | undefined {
  if (pairs <= maxCandidatePairs(memoryBytes)) return undefined;
  return (
    `${what} makes ${pairs.toLocaleString('en-US')} candidate pairs, about ${gigabytes(pairs * BYTES_PER_CANDIDATE_PAIR)} ` +
    `of memory, more than this machine has (${gigabytes(memoryBytes)}); ${how}`
  );
}

/**
 * A dataset refused by `tooManyCandidatePairs` while it was being read. `capHelps`: a document cap would
 * shrink it (the CLI then names its option).
 */
export class CandidatePairLimitError extends Error {
  constructor(
    message: string,
    readonly capHelps: boolean,
  ) {
    super(message);
    this.name = 'CandidatePairLimitError';
  }
}

export function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
