import { SeededRandom } from '../rng';
import { multiplyTransposedVectors, multiplyVectors, type CsrMatrix } from './csrMatrix';
import { columnNorms, finishGroup, GROUP, isFullGroup, projectFourOutOf } from './orthonormalize';
import { gramRows, ritzEntries } from './randomizedSvdKernels';

/**
 * How threads share each kernel of randomized SVD: the Gaussian test matrix, the products with the
 * matrix, the Gram–Schmidt, the Gram matrix and the Ritz vectors. Every thread runs `runShare` on the same
 * task, on blocks in shared memory. A task of independent chunks: each thread claims chunks one at a time
 * (a counter in shared memory) until none is left, so that a thread slowed down (by another process on its
 * core) takes fewer chunks instead of holding up the others. The Gram–Schmidt: see `finishGroupsInOrder`.
 * Every value is computed by the single-threaded kernel's own code, in its order, whichever thread computes
 * it: the results are bit for bit those of one thread. A thread alone runs the whole task.
 */

/** A task of independent chunks; `claims` counts the chunks claimed. */
export type ChunkedTask = { claims: Int32Array } & (
  | { kind: 'normal'; out: Float64Array; chunk: number; states: Int32Array }
  | {
      kind: 'multiply' | 'multiplyTransposed';
      matrix: CsrMatrix;
      block: Float64Array;
      count: number;
      out: Float64Array;
    }
  | { kind: 'gram'; q: Float64Array; w: Float64Array; length: number; width: number; gram: Float64Array }
  | {
      kind: 'ritz';
      qRows: Float64Array;
      vectors: Float64Array;
      length: number;
      width: number;
      rank: number;
      out: Float64Array;
    }
);

export interface OrthonormalizeTask {
  kind: 'orthonormalize';
  block: Float64Array;
  length: number;
  count: number;
  /** The columns that are final, a failure flag, the generator's state. */
  sync: Int32Array;
  /** Per group of four columns: its lock, and how many earlier columns its first pass is through. */
  groups: Int32Array;
  /** Per group: its columns' norms before any pass, then the products its next range starts with. */
  partial: Float64Array;
}

export type SvdTask = ChunkedTask | OrthonormalizeTask;
export type NormalTask = Extract<ChunkedTask, { kind: 'normal' }>;

/** Thrown by a share that stopped because another thread's share failed (that thread reports why). */
export class ShareAbandoned extends Error {}

/** A thread waiting this long for another (its lock on a group, the next columns) takes it for hung. */
const STALL_MS = 60_000;
/** Entries of a Ritz vector per chunk. */
const RITZ_CHUNK = 32;
/** Gaussian draws per chunk. */
const NORMAL_CHUNK = 1 << 16;

/** The words of `OrthonormalizeTask.sync`. */
const PROGRESS = 0;
const FAILED = 1;
const RNG = 2;
/** The words of a group in `groups`: its lock, its first pass's progress (`UNTOUCHED`: no norms yet). */
const LOCK = 0;
const DONE = 1;
const UNTOUCHED = -1;
/** `LOCK`: free, held by the helper for a range of a first pass, held by the caller for good. */
const FREE = 0;
const HELPER = 1;
const CALLER = 2;
/** The most earlier columns a helper's range of a first pass goes through (a fraction of a millisecond). */
const RANGE = 32;

/** A new counter of claimed chunks (`ChunkedTask.claims`). */
export function claimCounter(): Int32Array {
  return sharedInts(1);
}

/** The task of `orthonormalizeColumns(block, length, count, rng)`; `continueRandom` takes its rng state back. */
export function orthonormalizeTask(
  block: Float64Array,
  length: number,
  count: number,
  rng: SeededRandom,
): OrthonormalizeTask {
  const sync = sharedInts(3);
  sync[RNG] = rng.saveState() | 0;
  const groupCount = Math.ceil(count / GROUP);
  const groups = sharedInts(2 * groupCount);
  for (let g = 0; g < groupCount; g++) groups[2 * g + DONE] = UNTOUCHED;
  const partial = new Float64Array(new SharedArrayBuffer(2 * GROUP * groupCount * 8));
  return { kind: 'orthonormalize', block, length, count, sync, groups, partial };
}

/** Continues `rng` where the Gram–Schmidt of `task` left the shared generator (after every share ended). */
export function continueRandom(task: OrthonormalizeTask, rng: SeededRandom): void {
  rng.restoreState(Atomics.load(task.sync, RNG));
}

/**
 * The task of filling `out` with `rng.normal()` draws, in order; `finishNormal` completes it. Each draw
 * takes two steps of the generator, except in the rare case (2⁻³² per step) of a uniform draw of exactly
 * 0: each chunk starts where the chunks before it end without one, and `finishNormal` draws the chunks
 * after one again on the calling thread.
 */
export function normalTask(out: Float64Array, rng: SeededRandom, chunk = NORMAL_CHUNK): NormalTask {
  // The state before the draws, then after each chunk's.
  const states = sharedInts(1 + Math.ceil(out.length / chunk));
  states[0] = rng.saveState() | 0;
  return { kind: 'normal', out, chunk, states, claims: claimCounter() };
}

/** Completes `task` after every share ended, leaving `rng` after the last draw. */
export function finishNormal(task: NormalTask, rng: SeededRandom): void {
  const { out, chunk, states } = task;
  const chunks = states.length - 1;
  for (let k = 0; k + 1 < chunks; k++) {
    // Chunk k + 1 started at two steps per draw; it is right if chunk k ended there.
    rng.restoreState(Atomics.load(states, 0));
    rng.skip(2 * (k + 1) * chunk);
    if (rng.saveState() === Atomics.load(states, k + 1) >>> 0) continue;
    rng.restoreState(Atomics.load(states, k + 1));
    for (let i = (k + 1) * chunk; i < out.length; i++) out[i] = rng.normal();
    return;
  }
  rng.restoreState(Atomics.load(states, chunks));
}

/**
 * Runs the chunks of `task` that no other thread has claimed. The Gram–Schmidt has roles: the caller (the
 * thread that called the kernel, or a thread alone) finishes every group, the helpers run first passes ahead.
 */
export function runShare(task: SvdTask, role: 'caller' | 'helper' = 'caller'): void {
  if (task.kind === 'orthonormalize')
    return role === 'caller' ? finishGroupsInOrder(task) : runFirstPassesAhead(task);
  const [chunks, run] = taskChunks(task);
  for (let c = claim(task); c < chunks; c = claim(task)) run(c);
}

function claim(task: ChunkedTask): number {
  return Atomics.add(task.claims, 0, 1);
}

/** The chunks of a task whose chunks are independent: how many, and how to compute one. */
export function taskChunks(task: ChunkedTask): [number, (chunk: number) => void] {
  switch (task.kind) {
    case 'normal': {
      const { out, chunk, states } = task;
      const rng = new SeededRandom(0);
      return [
        states.length - 1,
        (k) => {
          rng.restoreState(Atomics.load(states, 0));
          rng.skip(2 * k * chunk);
          for (let i = k * chunk, end = Math.min(i + chunk, out.length); i < end; i++) out[i] = rng.normal();
          Atomics.store(states, k + 1, rng.saveState() | 0);
        },
      ];
    }
    case 'multiply':
    case 'multiplyTransposed': {
      // Four vectors each (the last chunk: the vectors after the last multiple of four, one at a time).
      const { matrix, block, count, out } = task;
      const product = task.kind === 'multiply' ? multiplyVectors : multiplyTransposedVectors;
      return [Math.ceil(count / 4), (c) => product(matrix, block, 4 * c, Math.min(4 * c + 4, count), out)];
    }
    case 'gram': {
      const { q, w, length, width, gram } = task;
      return [width, (a) => gramRows(q, w, length, width, a, a + 1, gram)];
    }
    case 'ritz': {
      const { qRows, vectors, length, width, rank, out } = task;
      return [
        Math.ceil(length / RITZ_CHUNK),
        (c) => {
          const from = c * RITZ_CHUNK;
          ritzEntries(qRows, vectors, length, width, rank, from, Math.min(from + RITZ_CHUNK, length), out);
        },
      ];
    }
  }
}

/**
 * Gram–Schmidt on several threads. The caller goes through the groups of four columns in order, as
 * `orthonormalizeColumns` does: it completes a group's first pass, finishes the group (`finishGroup`),
 * then publishes its columns as final. Meanwhile helpers run the first passes of later groups against the
 * columns already final, a range at a time under the group's lock, so that the caller finds them mostly
 * done. Every column goes through `orthonormalizeColumns`' steps in its order, and only the caller draws
 * random replacements for dependent columns, in column order. The caller never waits for a helper's
 * progress, only, rarely, for the end of a range (helpers work two groups or more ahead of it): a helper
 * slowed down by another process holds nothing up.
 */
function finishGroupsInOrder(task: OrthonormalizeTask): void {
  const { block, length, count, sync, groups, partial } = task;
  const rng = new SeededRandom(0);
  rng.restoreState(Atomics.load(sync, RNG));
  try {
    for (let first = 0, g = 0; first < count; first += GROUP, g++) {
      // Taken for good: helpers leave the group alone from now on.
      for (;;) {
        const lock = Atomics.compareExchange(groups, 2 * g + LOCK, FREE, CALLER);
        if (lock === FREE) break;
        waitWhile(sync, groups, 2 * g + LOCK, lock);
      }
      touchGroup(task, g);
      if (isFullGroup(count, first)) advanceFirstPass(task, g, first);
      finishGroup(block, length, count, first, partial.subarray(2 * GROUP * g, 2 * GROUP * g + GROUP), rng);
      Atomics.store(sync, PROGRESS, Math.min(first + GROUP, count));
      Atomics.notify(sync, PROGRESS);
    }
    Atomics.store(sync, RNG, rng.saveState() | 0);
  } catch (error) {
    stopOthers(sync, error);
    throw error;
  }
}

/** A helper's part of the Gram–Schmidt (see `finishGroupsInOrder`), until every column is final. */
function runFirstPassesAhead(task: OrthonormalizeTask): void {
  const { count, sync, groups } = task;
  const groupCount = Math.ceil(count / GROUP);
  try {
    for (;;) {
      const final = Atomics.load(sync, PROGRESS);
      if (final >= count) return;
      // The caller finishes the group at `final` now, and wants the next one soon: work from the one after.
      // A range also reads the column after it (the products of the next range): it stops before `final`.
      let worked = false;
      for (let g = Math.floor(final / GROUP) + 2; g < groupCount && !worked; g++) {
        if (!isFullGroup(count, g * GROUP) || Atomics.load(groups, 2 * g + DONE) >= final - 1) continue;
        if (Atomics.compareExchange(groups, 2 * g + LOCK, FREE, HELPER) !== FREE) continue;
        try {
          touchGroup(task, g);
          const done = Atomics.load(groups, 2 * g + DONE);
          worked = advanceFirstPass(task, g, Math.min(final - 1, done + RANGE));
        } finally {
          Atomics.store(groups, 2 * g + LOCK, FREE);
          Atomics.notify(groups, 2 * g + LOCK);
        }
      }
      if (!worked) waitWhile(sync, sync, PROGRESS, final);
    }
  } catch (error) {
    stopOthers(sync, error);
    throw error;
  }
}

/** The norms of group `g`'s columns before any pass, taken by the first thread to work on the group. */
function touchGroup(task: OrthonormalizeTask, g: number): void {
  const { block, length, count, groups, partial } = task;
  if (Atomics.load(groups, 2 * g + DONE) !== UNTOUCHED) return;
  columnNorms(block, length, count, g * GROUP, partial.subarray(2 * GROUP * g, 2 * GROUP * g + GROUP));
  Atomics.store(groups, 2 * g + DONE, 0);
}

/** Runs group `g`'s first pass up to column `to` (exclusive); whether there was any to run. */
function advanceFirstPass(task: OrthonormalizeTask, g: number, to: number): boolean {
  const { block, length, groups, partial } = task;
  const done = Atomics.load(groups, 2 * g + DONE);
  if (to <= done) return false;
  const products = partial.subarray(2 * GROUP * g + GROUP, 2 * GROUP * (g + 1));
  projectFourOutOf(block, length, g * GROUP, done, to, products);
  Atomics.store(groups, 2 * g + DONE, to);
  return true;
}

/** Tells the other threads to stop, unless they stopped this one. */
function stopOthers(sync: Int32Array, error: unknown): void {
  if (error instanceof ShareAbandoned) return;
  Atomics.store(sync, FAILED, 1);
  Atomics.notify(sync, PROGRESS);
}

/**
 * Waits while `words[index]` is `value` (or returns at once if it is not), unless another thread failed.
 * Waiters on a group's lock are woken by any change of the progress too, so that they see a failure.
 */
function waitWhile(sync: Int32Array, words: Int32Array, index: number, value: number): void {
  if (Atomics.load(sync, FAILED)) throw new ShareAbandoned('another thread failed');
  if (Atomics.wait(words, index, value, STALL_MS) === 'timed-out') {
    const error = new Error('orthonormalizeColumns: another thread stopped answering');
    stopOthers(sync, error);
    throw error;
  }
  if (Atomics.load(sync, FAILED)) throw new ShareAbandoned('another thread failed');
}

function sharedInts(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}
