import type { WebGpuAdapterDescription } from '../core/compute/backend';

/**
 * Gives Node a WebGPU implementation (Dawn, through the `webgpu` npm package) and registers tfjs's
 * `webgpu` backend on it, so that `initBackend('webgpu')` works in Node on any machine with a Vulkan GPU
 * (a Vulkan loader and driver must be installed: libvulkan1 and the GPU vendor's ICD; set
 * VK_DRIVER_FILES to pick a driver). Must run before '@tensorflow/tfjs-backend-webgpu' is imported
 * anywhere: the backend registers itself at import time only if `navigator.gpu` exists then.
 * Resolves to the adapter's description, or null with the reason when there is none.
 */
export async function enableNodeWebGpu(): Promise<
  { adapter: WebGpuAdapterDescription } | { adapter: null; reason: string }
> {
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (e) {
    return { adapter: null, reason: `the webgpu package (Dawn) does not load: ${(e as Error).message}` };
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  const holder = globalThis as { navigator?: object };
  if (holder.navigator) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    return {
      adapter: null,
      reason:
        'Dawn found no Vulkan adapter (is libvulkan1 installed, and a driver ICD? VK_DRIVER_FILES names one)',
    };
  const info = adapter.info;
  const isFallback = Boolean(info.isFallbackAdapter);
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  await import('@tensorflow/tfjs-backend-webgpu');
  return {
    adapter: {
      description: `WebGPU (Dawn, Node) ${name || 'unknown adapter'}${isFallback ? ' (fallback)' : ''}`,
      isFallback,
    },
  };
}
