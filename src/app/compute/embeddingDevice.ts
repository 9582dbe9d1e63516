import type { EmbeddingDevice } from '../../core/embedding/transformersRuntime';
import { probeWebGpu } from './browserBackends';

/** What the user asked for: the best device, or one of them forced. */
export type EmbeddingDevicePreference = 'auto' | 'webgpu' | 'wasm';

export interface EmbeddingDeviceChoice {
  device: EmbeddingDevice;
  /** Tried when the model cannot load or run on `device`. */
  fallbackDevice?: EmbeddingDevice;
  /** Why the choice differs from the preference, for the user. */
  notes: string[];
}

/**
 * Where transformers.js embedders run in this browser: `auto` takes WebGPU when the adapter is real hardware
 * and WASM otherwise (a software adapter such as SwiftShader is slower than WASM); `webgpu` takes any
 * adapter, and falls back to WASM with a note when there is none; `wasm` is WASM. WebGPU always keeps WASM
 * as the fallback for models it cannot run.
 */
export async function chooseEmbeddingDevice(
  preference: EmbeddingDevicePreference,
): Promise<EmbeddingDeviceChoice> {
  if (preference === 'wasm') return { device: 'wasm', notes: [] };
  const adapter = await probeWebGpu();
  if (!adapter) {
    return {
      device: 'wasm',
      notes:
        preference === 'webgpu'
          ? ['WebGPU is not available in this browser (no adapter): embedding on wasm instead']
          : [],
    };
  }
  if (preference === 'auto' && adapter.isFallback) {
    return {
      device: 'wasm',
      notes: [`${adapter.description} is a software adapter: embedding on wasm, which is faster`],
    };
  }
  return { device: 'webgpu', fallbackDevice: 'wasm', notes: [] };
}
