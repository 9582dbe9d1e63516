import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** What readTensors reads: float32 and int32 tensors. */
export type ReadValues = Float32Array | Int32Array;

/**
 * One MAP_READ staging buffer per device, kept between reads and grown when a read needs more. It is
 * taken out while a read uses it: a read that starts meanwhile (the app's worker can overlap two) gets a
 * buffer of its own, since a buffer cannot take copies while it is mapped.
 */
const idle = new WeakMap<GPUDevice, GPUBuffer>();

/**
 * The values of several tensors in one device round trip. On WebGPU: tfjs's queued work is submitted,
 * then one command buffer copies every tensor into one persistent staging buffer, which is mapped once —
 * `tensor.data()` would take a staging buffer, submit and map per tensor, and each map costs a full round
 * trip (about 1.5 ms through Dawn in Node, whatever the size). On other backends, and for a tensor whose
 * values are already in JavaScript, it is `tensor.data()`. The tensors stay owned by the caller, who may
 * dispose them as soon as this returns a promise (the copies are already submitted). The arrays read from
 * the device are views of one ArrayBuffer: copy one before transferring its buffer to another thread.
 */
export function readTensors(tensors: readonly tf.Tensor[]): Promise<ReadValues[]> {
  if (tf.getBackend() !== 'webgpu' || tensors.length === 0)
    return Promise.all(tensors.map((t) => t.data() as Promise<ReadValues>));
  const backend = tf.backend() as unknown as WebGPUBackend;
  for (const t of tensors)
    if (t.dtype !== 'float32' && t.dtype !== 'int32')
      throw new Error(`readTensors: reads float32 and int32 tensors, got ${t.dtype}`);
  const sources = tensors.map((t) => {
    const data = backend.tensorMap.get(t.dataId);
    return data.values == null && data.resource instanceof GPUBuffer ? data.resource : null;
  });
  if (sources.every((source) => source === null))
    return Promise.all(tensors.map((t) => t.data() as Promise<ReadValues>));
  // Offsets into the staging buffer; copies need multiples of 4 bytes, which 4-byte elements give.
  const offsets: number[] = [];
  let total = 0;
  for (const t of tensors) {
    offsets.push(total);
    total += 4 * t.size;
  }
  const device = backend.device;
  let buffer = idle.get(device);
  idle.delete(device);
  if (!buffer || buffer.size < total) {
    buffer?.destroy();
    buffer = device.createBuffer({
      size: 2 ** Math.ceil(Math.log2(Math.max(total, 256))),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }
  const target = buffer;
  // Submit tfjs's pending dispatches first, so that the copies below run after them (queue order).
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  const encoder = device.createCommandEncoder();
  sources.forEach((source, i) => {
    if (source && tensors[i].size > 0)
      encoder.copyBufferToBuffer(source, 0, target, offsets[i], 4 * tensors[i].size);
  });
  device.queue.submit([encoder.finish()]);
  const cached = tensors.map((t, i) => (sources[i] ? null : (t.data() as Promise<ReadValues>)));
  return (async () => {
    await target.mapAsync(GPUMapMode.READ, 0, total);
    let bytes: ArrayBuffer;
    try {
      // One copy out of the mapped range (it is detached on unmap); each tensor a view of it.
      bytes = target.getMappedRange(0, total).slice(0);
    } finally {
      target.unmap();
      const kept = idle.get(device);
      if (kept && kept.size >= target.size) target.destroy();
      else {
        kept?.destroy();
        idle.set(device, target);
      }
    }
    return Promise.all(
      tensors.map((t, i) =>
        sources[i]
          ? t.dtype === 'int32'
            ? new Int32Array(bytes, offsets[i], t.size)
            : new Float32Array(bytes, offsets[i], t.size)
          : cached[i]!,
      ),
    );
  })();
}
