import { existsSync } from 'node:fs';
import type { WebGpuAdapterDescription } from '../core/compute/backend';

/** Chromium's software Vulkan driver (Debian's chromium package ships it): a WebGPU adapter without a GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Gives Node a WebGPU implementation (Dawn, through the `webgpu` npm package) and registers tfjs's
 * `webgpu` backend on it, so that `initBackend('webgpu')` works in Node on any machine with a Vulkan GPU
 * (a Vulkan loader and driver must be installed: libvulkan1 and the GPU vendor's ICD; set
 * VK_DRIVER_FILES to pick a driver). Must run before '@tensorflow/tfjs-backend-webgpu' is imported
 * anywhere: the backend registers itself at import time only if `navigator.gpu` exists then.
 * Resolves to the adapter's description, or null with the reason when there is none.
 * `softwareFallback` (tests): when no Vulkan driver is named, name Chromium's SwiftShader if it is there.
 */
export async function enableNodeWebGpu(
  options: { softwareFallback?: boolean } = {},
): Promise<{ adapter: WebGpuAdapterDescription } | { adapter: null; reason: string }> {
  if (
    options.softwareFallback &&
    !process.env.VK_DRIVER_FILES &&
    !process.env.VK_ICD_FILENAMES &&
    existsSync(SWIFTSHADER_ICD)
  )
    process.env.VK_DRIVER_FILES = SWIFTSHADER_ICD;
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
