import { rankByScore } from '../metrics/rankingMetrics';
import type { ComputationType } from './config';
import { ByteChunks, FieldTable, Float32Texts, utf8 } from './byteChunks';
import { scoresOf } from './outputs';
import type { RunTables } from './runFiles';

/**
 * TREC run and qrels files of an experiment, for `trec_eval` and other IR tooling.
 *
 * A run file has one line per (query, candidate): `qid Q0 docno rank score tag`, every candidate of the
 * query (the full ranking the metrics are computed on), rank 1 first. trec_eval re-sorts each query's lines
 * by score (descending) and breaks ties by docno, which is not the order our metrics use (ties keep the
 * dataset's candidate order, `rankByScore`). So that any tool sees exactly our ranking, the written scores
 * decrease strictly: a score that is not below the previous line's (a tie) is written as the next float64
 * below the previous line's score, a change of about 1e-16 that no metric notices.
 *
 * Ids go into a whitespace-separated format: any run of whitespace inside an id is written as `_` (in the
 * run and the qrels alike).
 */

/** An id as a TREC field: no whitespace. */
export function trecId(id: string): string {
  const text = id.trim().replace(/\s+/g, '_');
  return text === '' ? '_' : text;
}

const float64Bits = new Float64Array(1);
const wordsOfFloat64 = new Uint32Array(float64Bits.buffer);
/** Index of the low 32-bit word of a float64 on this machine. */
const LOW = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 0 : 1;

/** The largest float64 below `x` (x finite): one step of its bits (run files of tied scores take many). */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  float64Bits[0] = x;
  const low = wordsOfFloat64[LOW];
  if (x > 0) {
    // Magnitude down by one unit in the last place.
    if (low === 0) wordsOfFloat64[1 - LOW]--;
    wordsOfFloat64[LOW] = low - 1;
  } else {
    if (low === 0xffffffff) wordsOfFloat64[1 - LOW]++;
    wordsOfFloat64[LOW] = low + 1;
  }
  return float64Bits[0];
}

/**
 * `<type>_run.txt`: the ranking of `type` for every query, one line per candidate, as UTF-8 bytes in chunks
 * (see `ByteChunks`). A score is written as its shortest float32 text unless that does not fall below the
 * previous line's score; then as the next float64 below it.
 */
export function* trecRunFile(
  result: RunTables,
  type: ComputationType,
  tag: string = type,
): Generator<Uint8Array> {
  const out = new ByteChunks();
  const lines = new TrecRunLines(result, type, tag);
  const texts = new Float32Texts();
  const typeScores = scoresOf(result, type);
  for (let i = 0; i < result.dataset.queries.length; i++)
    yield* lines.query(out, i, texts.fill(typeScores[i]));
  yield out.flush();
}

/**
 * The lines of `<type>_run.txt`, query by query (`trecRunFile`, and `rawScoresAndTrecRun`, which writes
 * the raw-score CSV from the same score texts).
 */
export class TrecRunLines {
  private readonly runTag: Uint8Array;
  private readonly docFields: FieldTable;
  private readonly typeScores: Float32Array[];
  /** `<rank> ` for every rank a query has (copied in order: cheaper than printing each rank's digits). */
  private readonly ranks: FieldTable;

  constructor(
    private readonly result: RunTables,
    type: ComputationType,
    tag: string = type,
  ) {
    this.runTag = utf8(` ${trecId(tag)}\n`);
    this.docFields = new FieldTable(result.dataset.documents.map((d) => ` Q0 ${trecId(d.id)} `));
    this.typeScores = scoresOf(result, type);
    const most = result.dataset.queries.reduce((n, q) => Math.max(n, q.candidates.length), 0);
    this.ranks = new FieldTable(Array.from({ length: most }, (_, r) => `${r + 1} `));
  }

  /** The lines of query `i`, rank 1 first; `texts` holds its scores' texts in candidate order. */
  *query(out: ByteChunks, i: number, texts: Float32Texts): Generator<Uint8Array> {
    const { runTag, docFields, ranks } = this;
    const q = this.result.dataset.queries[i];
    const scores = this.typeScores[i];
    const order = rankByScore(scores);
    const qid = utf8(trecId(q.id));
    const values = texts.values;
    let previous = Infinity;
    for (let r = 0; r < order.length; r++) {
      const c = order[r];
      // The rank (10 digits at most), a space and the score (24 characters at most).
      out.reserve(qid.length + docFields.longest + 35 + runTag.length);
      out.bytes(qid).field(docFields, q.candidates[c]).field(ranks, r);
      // A text reads back as a finite number exactly when its score is finite.
      if (!Number.isFinite(values[c]))
        throw new RangeError(
          `score ${scores[c]} cannot be written in a TREC run: scores must be finite numbers`,
        );
      let value = values[c];
      if (value < previous) out.field(texts, c);
      else {
        value = nextDown(previous);
        out.ascii(String(value));
      }
      previous = value;
      out.bytes(runTag);
      const chunk = out.take();
      if (chunk) yield chunk;
    }
  }
}

/** `qrels.txt`: `qid 0 docno relevance` for every candidate of every query (the judged set of the run). */
export function* trecQrelsFile(result: Pick<RunTables, 'dataset'>): Generator<Uint8Array> {
  const out = new ByteChunks();
  const docFields = new FieldTable(result.dataset.documents.map((d) => ` 0 ${trecId(d.id)} `));
  for (const q of result.dataset.queries) {
    const qid = utf8(trecId(q.id));
    for (let c = 0; c < q.candidates.length; c++) {
      out.reserve(qid.length + docFields.longest + 25);
      out.bytes(qid).field(docFields, q.candidates[c]);
      const label = q.labels[c];
      // Binary labels (nearly all) without a string each.
      if (label === 0 || label === 1) out.byte(48 + label);
      else if (Number.isInteger(label)) out.ascii(String(label));
      else out.float32(label);
      out.byte(NEWLINE);
      const chunk = out.take();
      if (chunk) yield chunk;
    }
  }
  yield out.flush();
}

const NEWLINE = 10;
