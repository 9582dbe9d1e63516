import type { ProgressEvent, ProgressListener } from '../../core/progress';

/**
 * The one small typed RPC helper between the UI thread and Web Workers: calls with ids, progress events,
 * cancellation (an AbortSignal on the caller's side becomes one on the worker's side) and explicit
 * zero-copy transfer of typed-array buffers in both directions.
 */

export interface CallContext {
  signal: AbortSignal;
  onProgress: ProgressListener;
  /** Marks buffers of the result to be transferred (not copied) back to the caller. */
  transfer(...buffers: Transferable[]): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handler argument types are checked per API below
export type WorkerApi = Record<string, (arg: any, context: CallContext) => Promise<unknown>>;

type ToWorker =
  { kind: 'call'; id: number; method: string; arg: unknown } | { kind: 'cancel'; id: number; reason: string };

type FromWorker =
  | { kind: 'progress'; id: number; event: ProgressEvent }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; message: string; cancelled: boolean };

/** Inside the worker: serve `api`'s methods. */
export function exposeWorker(
  api: WorkerApi,
  scope: DedicatedWorkerGlobalScope = self as DedicatedWorkerGlobalScope,
): void {
  const running = new Map<number, AbortController>();
  scope.onmessage = async (message: MessageEvent<ToWorker>) => {
    const data = message.data;
    if (data.kind === 'cancel') {
      running.get(data.id)?.abort(new Error(data.reason));
      return;
    }
    const controller = new AbortController();
    running.set(data.id, controller);
    const transfers: Transferable[] = [];
    const post = (reply: FromWorker, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);
    try {
      const handler = api[data.method];
      if (!handler) throw new Error(`worker has no method "${data.method}"`);
      const value = await handler(data.arg, {
        signal: controller.signal,
        onProgress: (event) => post({ kind: 'progress', id: data.id, event }),
        transfer: (...buffers) => transfers.push(...buffers),
      });
      post({ kind: 'result', id: data.id, value }, transfers);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      post({ kind: 'error', id: data.id, message: text, cancelled: controller.signal.aborted });
    } finally {
      running.delete(data.id);
    }
  };
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Buffers of the argument to transfer (not copy) to the worker. */
  transfer?: Transferable[];
}

/** An error that says the call was cancelled, so that callers can tell it from a failure. */
export class CancelledError extends Error {}

export interface WorkerClient<API extends WorkerApi> {
  call<M extends keyof API & string>(
    method: M,
    arg: Parameters<API[M]>[0],
    options?: CallOptions,
  ): Promise<Awaited<ReturnType<API[M]>>>;
  terminate(): void;
}

/** On the UI thread: a typed client of a worker that called `exposeWorker`. */
export function connectWorker<API extends WorkerApi>(worker: Worker): WorkerClient<API> {
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; onProgress?: ProgressListener }
  >();
  worker.onmessage = (message: MessageEvent<FromWorker>) => {
    const data = message.data;
    const call = pending.get(data.id);
    if (!call) return;
    if (data.kind === 'progress') return call.onProgress?.(data.event);
    pending.delete(data.id);
    if (data.kind === 'result') call.resolve(data.value);
    else call.reject(data.cancelled ? new CancelledError(data.message) : new Error(data.message));
  };
  worker.onerror = (event) => {
    const error = new Error(`the compute worker crashed: ${event.message || 'unknown error'}`);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  return {
    call(method, arg, options = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (options.signal?.aborted) return reject(new CancelledError('Cancelled'));
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress });
        options.signal?.addEventListener(
          'abort',
          () => worker.postMessage({ kind: 'cancel', id, reason: 'Cancelled' } satisfies ToWorker),
          { once: true },
        );
        worker.postMessage({ kind: 'call', id, method, arg } satisfies ToWorker, options.transfer ?? []);
      });
    },
    terminate() {
      worker.terminate();
      for (const call of pending.values()) call.reject(new CancelledError('worker terminated'));
      pending.clear();
    },
  };
}
