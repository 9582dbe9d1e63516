import * as tf from '@tensorflow/tfjs-core';
// The backends this project runs on (webgpu is imported by the browser and by `--backend webgpu`): tfjs-core
// alone registers none, and the whole @tensorflow/tfjs would add webgl, layers, converter and data. A name
// is imported from the cpu backend, not just the module: its Node build is not listed among its package's
// side effects, so a bundler (esbuild) would drop a bare import.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';

/** The backend actually in use, recorded in outputs and shown to users. */
export interface BackendInfo {
  name: BackendName;
  /** Adapter details for WebGPU (vendor, architecture, fallback or not); a short label otherwise. */
  adapter: string;
  tfjsVersion: string;
  /** Faster backends that were tried first and why they were not used (empty when the first one worked). */
  skipped: string[];
}

/**
 * WebGPU registers itself only when its package has been imported (the browser does that); in Node the
 * candidates are wasm (SIMD, single-threaded here) and cpu. `auto` picks the fastest that initialises:
 * WebGPU on a hardware adapter, else wasm (faster than WebGPU on a software adapter), else cpu.
 */
/** What the browser found out about its WebGPU adapter before tfjs took it (tfjs does not expose it). */
export interface WebGpuAdapterDescription {
  description: string;
  isFallback: boolean;
}

export async function initBackend(
  preference: BackendPreference = 'auto',
  /** What the caller found out about WebGPU; null when it looked and found no adapter. */
  webgpuAdapter?: WebGpuAdapterDescription | null,
): Promise<BackendInfo> {
  const order: BackendName[] = preference === 'auto' ? ['webgpu', 'wasm', 'cpu'] : [preference];
  const failures: string[] = [];
  for (const name of order) {
    if (name === 'webgpu' && webgpuAdapter === null) {
      failures.push('webgpu: this browser offers no WebGPU adapter');
      continue;
    }
    if (!tf.findBackendFactory(name)) {
      failures.push(`${name}: not available in this environment`);
      continue;
    }
    // setBackend resolves false instead of throwing when initialisation fails: always check it.
    const ok = await tf.setBackend(name).catch((e: unknown) => {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    });
    if (!ok || tf.getBackend() !== name) {
      failures.push(`${name}: failed to initialise`);
      continue;
    }
    // A software (fallback) adapter is correct but slower than wasm: auto mode skips it.
    if (preference === 'auto' && name === 'webgpu' && webgpuAdapter?.isFallback) {
      failures.push('webgpu: software adapter only, wasm is faster');
      continue;
    }
    await tf.ready();
    const adapter =
      name === 'webgpu' ? (webgpuAdapter?.description ?? 'WebGPU') : await describeAdapter(name);
    return { name, adapter, tfjsVersion: tf.version_core, skipped: failures };
  }
  throw new Error(`No usable compute backend (${failures.join('; ')}). Try the cpu backend.`);
}

async function describeAdapter(name: 'wasm' | 'cpu'): Promise<string> {
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return `WebAssembly${simd ? ' SIMD' : ''}${threads ? ' multi-threaded' : ' single-threaded'}`;
  }
  if (name === 'cpu') return `JavaScript (tfjs-backend-cpu ${version_cpu})`;
  const backend = tf.backend() as unknown as {
    adapterInfo?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  };
  const info = backend.adapterInfo;
  if (!info) return 'WebGPU';
  return `WebGPU ${info.vendor ?? ''} ${info.architecture ?? ''}${info.isFallbackAdapter ? ' (fallback)' : ''}`.trim();
}
