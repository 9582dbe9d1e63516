import { availableParallelism } from 'node:os';
import type { CsrMatrix } from '../core/embedding/csrMatrix';
import { isLsaModelName } from '../core/embedding/embedderFactory';
import type { LinearOperator } from '../core/embedding/linearOperator';
import { checkBlockShape } from '../core/embedding/orthonormalize';
import {
  claimCounter,
  continueRandom,
  finishNormal,
  normalTask,
  orthonormalizeTask,
  runShare,
  type SvdTask,
} from '../core/embedding/svdShares';
import type { LsaParallelism, ParallelSvd, SvdKernels } from '../core/embedding/svdKernels';
import { SvdHelperThread } from './svdHelperThread';

/**
 * The LSA fit of the Node CLI on two threads: this one and a helper thread (svdHelperThread.ts), with the
 * results of one thread bit for bit. None for another embedder, or on a machine with one core.
 */
export function parallelLsaFor(embedderName: string): LsaParallelism | undefined {
  return isLsaModelName(embedderName) && availableParallelism() > 1 ? new TwoThreadLsa() : undefined;
}

/**
 * Fits on this thread and a helper thread. The helper starts at once, so that it is ready when the fit
 * starts (starting a thread with the kernels' modules takes a fraction of a second); each fit ends its
 * helper, and a later fit starts another. Until a helper has started, the kernels run on this thread alone.
 */
export class TwoThreadLsa implements LsaParallelism {
  /** Helpers whose thread has not ended yet. */
  private readonly helpers = new Set<SvdHelperThread>();
  private next: SvdHelperThread | undefined = this.startHelper();
  /** Tasks the last fit shared with its helper (the others ran on this thread alone). */
  sharedTasks = 0;

  /** Resolves when the helper of the next fit has started (rejects if it could not). */
  get started(): Promise<void> {
    this.next ??= this.startHelper();
    return this.next.started;
  }

  /** Helper threads running (the next fit's, and a fit's until it ends). */
  get threads(): number {
    return this.helpers.size;
  }

  open(): ParallelSvd {
    const helper = this.next ?? this.startHelper();
    this.next = undefined;
    this.sharedTasks = 0;
    /** Runs `task` on two threads once the helper has started, else on this one. */
    const run = (task: SvdTask) => {
      if (!helper.ready) return runShare(task);
      helper.run(task);
      this.sharedTasks++;
    };
    const operator = (matrix: CsrMatrix): LinearOperator => {
      const shared: CsrMatrix = {
        rows: matrix.rows,
        cols: matrix.cols,
        indptr: sharedCopy(matrix.indptr),
        indices: sharedCopy(matrix.indices),
        values: sharedCopy(matrix.values),
      };
      const product = (kind: 'multiply' | 'multiplyTransposed', block: Float64Array, count: number) => {
        const out = allocate((kind === 'multiply' ? matrix.rows : matrix.cols) * count);
        run({ kind, matrix: shared, block: sharedCopy(block), count, out, claims: claimCounter() });
        return out;
      };
      return {
        rows: matrix.rows,
        cols: matrix.cols,
        multiply: (block, count) => product('multiply', block, count),
        multiplyTransposed: (block, count) => product('multiplyTransposed', block, count),
      };
    };
    const kernels: SvdKernels = {
      allocate,
      normal: (length, rng) => {
        const task = normalTask(allocate(length), rng);
        run(task);
        finishNormal(task, rng);
        return task.out;
      },
      orthonormalizeColumns: (block, length, count, rng) => {
        checkBlockShape(length, count);
        if (!isShared(block)) throw new Error('orthonormalizeColumns: the block must be in shared memory');
        const task = orthonormalizeTask(block, length, count, rng);
        run(task);
        continueRandom(task, rng);
      },
      gram: (q, w, length, width) => {
        const gram = allocate(width * width);
        run({
          kind: 'gram',
          q: sharedCopy(q),
          w: sharedCopy(w),
          length,
          width,
          gram,
          claims: claimCounter(),
        });
        return gram;
      },
      ritzVectors: (qRows, vectors, length, width, rank) => {
        const out = allocate(rank * length);
        run({
          kind: 'ritz',
          qRows: sharedCopy(qRows),
          vectors: sharedCopy(vectors),
          length,
          width,
          rank,
          out,
          claims: claimCounter(),
        });
        return out;
      },
    };
    return { operator, kernels, close: () => helper.close() };
  }

  private startHelper(): SvdHelperThread {
    const helper = new SvdHelperThread();
    this.helpers.add(helper);
    void helper.exited.then(() => this.helpers.delete(helper));
    return helper;
  }
}

function allocate(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

function isShared(array: Float64Array | Int32Array): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** `array` if it is in shared memory, else a copy there (for the helper to read). */
function sharedCopy<T extends Float64Array | Int32Array>(array: T): T {
  if (isShared(array)) return array;
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(array.byteLength),
  );
  copy.set(array);
  return copy;
}
