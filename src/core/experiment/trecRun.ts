import { rankByScore } from '../metrics/rankingMetrics';
import type { ComputationType } from './config';
import { float32Text } from './csv';
import type { ExperimentResult } from './pipeline';

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

/** The largest float64 below `x` (x finite). */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

/**
 * Score texts of one query's ranking (`order`: candidates best first), strictly decreasing as numbers. A
 * score is written as its shortest float32 text unless that does not fall below the previous score.
 */
export function strictlyDecreasingScores(scores: ArrayLike<number>, order: ArrayLike<number>): string[] {
  const texts: string[] = [];
  let previous = Infinity;
  for (let r = 0; r < order.length; r++) {
    let text = float32Text(scores[order[r]]);
    let value = Number(text);
    if (!(value < previous)) {
      value = nextDown(previous);
      text = String(value);
    }
    if (!Number.isFinite(value))
      throw new RangeError(
        `score ${scores[order[r]]} cannot be written in a TREC run: scores must be finite numbers`,
      );
    texts.push(text);
    previous = value;
  }
  return texts;
}

/** `<type>_run.txt`: the ranking of `type` for every query, one line per candidate. */
export function* trecRunFile(
  result: ExperimentResult,
  type: ComputationType,
  tag: string = type,
): Generator<string> {
  const runTag = trecId(tag);
  for (const [i, q] of result.dataset.queries.entries()) {
    const scores = result.scores[type][i];
    const order = rankByScore(scores);
    const texts = strictlyDecreasingScores(scores, order);
    const qid = trecId(q.id);
    let chunk = '';
    for (let r = 0; r < order.length; r++) {
      const doc = trecId(result.dataset.documents[q.candidates[order[r]]].id);
      chunk += `${qid} Q0 ${doc} ${r + 1} ${texts[r]} ${runTag}\n`;
    }
    yield chunk;
  }
}

/** `qrels.txt`: `qid 0 docno relevance` for every candidate of every query (the judged set of the run). */
export function* trecQrelsFile(result: ExperimentResult): Generator<string> {
  for (const q of result.dataset.queries) {
    const qid = trecId(q.id);
    let chunk = '';
    for (let c = 0; c < q.candidates.length; c++) {
      const label = q.labels[c];
      const relevance = Number.isInteger(label) ? String(label) : float32Text(label);
      chunk += `${qid} 0 ${trecId(result.dataset.documents[q.candidates[c]].id)} ${relevance}\n`;
    }
    yield chunk;
  }
}
