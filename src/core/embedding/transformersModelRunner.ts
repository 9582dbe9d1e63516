import { abortable, throwIfAborted } from '../progress';
import type { EmbeddingDtype } from './modelRegistry';
import {
  describeModel,
  modelErrorKind,
  outOfMemoryError,
  type ModelKindWording,
  type TransformersModelSpec,
} from './transformersModelLoading';
import type { EmbeddingDevice } from './transformersRuntime';

export interface TransformersModelRunnerOptions<M> {
  spec: TransformersModelSpec;
  dtype: EmbeddingDtype;
  /** Default `cpu`. */
  device?: EmbeddingDevice;
  /** Tried, with a note, when the model cannot load or run on `device` (WebGPU → WASM). */
  fallbackDevice?: EmbeddingDevice;
  wording: ModelKindWording;
  /** Starts (or joins) the shared load of the model on `device`. */
  load(device: EmbeddingDevice): Promise<M>;
  /** Called after each load with the model loaded and the one before (undefined at first). */
  onLoaded?(model: M, previous: M | undefined): void;
  /** Tells the user something (a fallback, a smaller batch size). */
  note(text: string): void;
}

/**
 * A transformers.js model on a device, as the embedder and the cross-encoder teacher run theirs: loaded
 * when first needed, moved once to the fallback device (with a note) when it cannot load or run where
 * asked, and run in batches whose size halves (with a note) whenever one runs out of memory, since how
 * much fits depends on the device and the input lengths and is only found out by trying.
 */
export class TransformersModelRunner<M> {
  private currentDevice: EmbeddingDevice;
  private readonly fallbackDevice?: EmbeddingDevice;
  private loadedModel: M | undefined;

  constructor(private readonly options: TransformersModelRunnerOptions<M>) {
    this.currentDevice = options.device ?? 'cpu';
    this.fallbackDevice = options.fallbackDevice !== this.currentDevice ? options.fallbackDevice : undefined;
  }

  /** The device the model runs on (after a fallback, the fallback). */
  get device(): EmbeddingDevice {
    return this.currentDevice;
  }

  /** The model last loaded, if any. */
  get model(): M | undefined {
    return this.loadedModel;
  }

  /**
   * Runs `run` on `order` in batches of at most `batchSize`, in order, and hands each result to `finish`
   * (awaited) before the next batch starts; cancellation is checked between batches. Loads the model first.
   */
  async runInBatches<R>(
    order: readonly number[],
    batchSize: number,
    signal: AbortSignal | undefined,
    run: (model: M, batch: number[]) => Promise<R>,
    finish: (batch: number[], result: R, model: M) => void | Promise<void>,
  ): Promise<void> {
    let model = await this.load(signal);
    let size = batchSize;
    let done = 0;
    while (done < order.length) {
      throwIfAborted(signal);
      const batch = order.slice(done, done + size);
      let result: R;
      try {
        result = await run(model, batch);
      } catch (error) {
        const kind = modelErrorKind(error);
        if (kind === 'out-of-memory' && size > 1) {
          size = Math.max(1, Math.floor(size / 2));
          this.options.note(
            `${describeModel(this.options.spec)} ran out of memory on a batch; batch size lowered to ${size}`,
          );
          continue;
        }
        if (kind === 'out-of-memory')
          throw outOfMemoryError(
            this.options.wording,
            this.options.spec,
            this.currentDevice,
            this.options.dtype,
            error,
          );
        if (this.canFallBack()) {
          this.switchToFallback(error);
          model = await this.load(signal);
          continue;
        }
        throw error;
      }
      await finish(batch, result, model);
      done += batch.length;
    }
  }

  /** The model on the current device, moving to the fallback device if it cannot load there. */
  private async load(signal: AbortSignal | undefined): Promise<M> {
    for (;;) {
      try {
        const model = await abortable(this.options.load(this.currentDevice), signal);
        this.options.onLoaded?.(model, this.loadedModel);
        this.loadedModel = model;
        return model;
      } catch (error) {
        throwIfAborted(signal);
        // Missing files or a broken network are the same on every device; anything else may not be.
        const kind = modelErrorKind((error as { cause?: unknown }).cause ?? error);
        const fallbackHelps = kind === 'other' || kind === 'out-of-memory';
        if (fallbackHelps && this.canFallBack()) {
          this.switchToFallback(error);
          continue;
        }
        throw error;
      }
    }
  }

  private canFallBack(): boolean {
    return this.fallbackDevice !== undefined && this.currentDevice !== this.fallbackDevice;
  }

  private switchToFallback(error: unknown): void {
    const from = this.currentDevice;
    this.currentDevice = this.fallbackDevice!;
    const root = (error as { cause?: unknown }).cause ?? error;
    const reason = (root instanceof Error ? root.message : String(root)).trim().split('\n')[0];
    const model = this.options.wording.subject(describeModel(this.options.spec));
    this.options.note(`${from} could not run ${model} (${reason}); using ${this.currentDevice} instead`);
  }
}
