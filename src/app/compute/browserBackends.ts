import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
// The gradients tf.grad needs (the autodiff optimizer, which the benchmark and the e2e tests run): tfjs-core
// registers none by itself.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortWasmFactory from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import {
  initBackend,
  type BackendInfo,
  type BackendPreference,
  type WebGpuAdapterDescription,
} from '../../core/compute/backend';
import { configureTransformers } from '../../core/embedding/transformersRuntime';

// The app serves tfjs's WebAssembly binaries itself: never a CDN (offline installs, privacy, pinning).
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
// The same for ONNX Runtime Web (transformers.js embedders; its WebGPU build uses the asyncify binary).
configureTransformers({ wasmPaths: { wasm: ortWasm, mjs: ortWasmFactory } });

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/** Asks the browser for its WebGPU adapter to learn what it is (tfjs takes it without saying). */
export async function probeWebGpu(): Promise<WebGpuAdapterDescription | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const isFallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const name =
    [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { description: `WebGPU ${name}${isFallback ? ' (fallback)' : ''}`, isFallback };
}

/** Initialises tfjs in a browser or worker: webgpu, wasm (served locally) or cpu. */
export async function initBrowserBackend(preference: BackendPreference): Promise<BackendInfo> {
  // Without cross-origin isolation there are no shared-memory threads; with it, tfjs's threaded build needs
  // a worker script that this bundling does not provide, so stay single-threaded either way.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const adapter = preference === 'auto' || preference === 'webgpu' ? await probeWebGpu() : undefined;
  if (preference === 'webgpu' && !adapter)
    throw new Error(
      'WebGPU is not available in this browser (no adapter). Choose wasm or cpu, or enable WebGPU.',
    );
  return initBackend(preference, adapter);
}
