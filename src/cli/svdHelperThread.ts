import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { runShare, ShareAbandoned, type SvdTask } from '../core/embedding/svdShares';
import { startWorker } from './tsWorker';

/** The words of `SvdHelperData.control`. */
export const COMMAND = 0; // the number of the last task sent
export const DONE = 1; // the number of the last task the helper finished

export interface SvdHelperData {
  control: Int32Array;
  /** Tasks (`SvdTask`) to the helper; `SvdHelperReply` back, only when its share failed. */
  port: MessagePort;
}

export interface SvdHelperReply {
  error: string;
}

/**
 * How long the caller waits for the helper's share of a task, after its own, before it takes the helper
 * for hung: this, plus this many times the time its own share took.
 */
const PATIENCE_MS = 60_000;
const PATIENCE_FACTOR = 10;

/**
 * A worker thread that takes a share of the randomized SVD's kernels (svdShares.ts) while the calling
 * thread takes its own. The calling thread blocks on shared memory until the helper's share is done, as the
 * single-threaded kernel would: kernels stay synchronous, and the helper needs no event loop (it reads each
 * task from its port with `receiveMessageOnPort`). The thread is unreferenced: it never keeps the process
 * alive; `close` ends it.
 */
export class SvdHelperThread {
  /** Resolves when the helper waits for tasks; rejects if it failed to start. */
  readonly started: Promise<void>;
  /** Resolves when the thread has ended. */
  readonly exited: Promise<void>;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  private tasks = 0;
  private isStarted = false;
  private closed = false;
  /** Why the helper, once started, can no longer take tasks (it stopped, or stopped answering). */
  private failure: Error | undefined;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = startWorker(new URL('./svdHelperWorker.ts', import.meta.url), {
      workerData: { control: this.control, port: port2 } satisfies SvdHelperData,
      transferList: [port2],
    });
    this.worker.unref();
    this.started = new Promise<void>((resolve, reject) => {
      this.worker.once('message', () => {
        this.isStarted = true;
        resolve();
      });
      this.worker.once('error', (error) => {
        this.stopped(error);
        reject(error);
      });
      this.worker.once('exit', (code) => {
        const error = new Error(`the LSA fit's helper thread stopped (exit code ${code})`);
        this.stopped(error);
        reject(error);
      });
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // Nobody need wait for the start (`ready` says whether it happened).
    this.started.catch(() => undefined);
  }

  /**
   * Whether the helper takes tasks now. Until it has started, and for good if it cannot start, the caller
   * runs the tasks alone (the same results, on one core); a helper that stopped after it started fails the
   * fit, as it may have stopped in the middle of a task.
   */
  get ready(): boolean {
    if (this.failure) throw this.failure;
    return this.isStarted && !this.closed;
  }

  /** Runs `task` on this thread and the helper; returns when both are done. */
  run(task: SvdTask): void {
    if (!this.ready) throw new Error("the LSA fit's helper thread is not ready");
    const sequence = ++this.tasks;
    this.port.postMessage(task);
    Atomics.store(this.control, COMMAND, sequence);
    Atomics.notify(this.control, COMMAND);
    const start = performance.now();
    let ownFailure: unknown;
    try {
      runShare(task);
    } catch (error) {
      ownFailure = error;
    }
    this.waitForHelper(sequence, PATIENCE_MS + PATIENCE_FACTOR * (performance.now() - start));
    const reply = receiveMessageOnPort(this.port)?.message as SvdHelperReply | undefined;
    // A share abandoned because the other failed: the other's error says why.
    if (ownFailure !== undefined && !(ownFailure instanceof ShareAbandoned)) throw ownFailure;
    if (reply) throw new Error(reply.error);
    if (ownFailure !== undefined) throw ownFailure;
  }

  /** Ends the helper (idempotent). */
  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
    await this.exited;
  }

  private stopped(error: Error): void {
    if (this.isStarted && !this.closed) this.failure ??= error;
  }

  private waitForHelper(sequence: number, patienceMs: number): void {
    const deadline = performance.now() + patienceMs;
    for (let done = Atomics.load(this.control, DONE); done !== sequence;) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.control, DONE, done, left) === 'timed-out') {
        this.failure = new Error("the LSA fit's helper thread stopped answering");
        throw this.failure;
      }
      done = Atomics.load(this.control, DONE);
    }
  }
}
