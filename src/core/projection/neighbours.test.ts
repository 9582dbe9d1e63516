import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableNodeWebGpu } from '../../cli/nodeWebGpu';
import { initBackend, type BackendName } from '../compute/backend';
import { matrix, type Matrix } from '../matrix';
import type { ProgressEvent } from '../progress';
import { SeededRandom } from '../rng';
import { cosineNeighbours } from './neighbours';

function randomPoints(n: number, d: number, seed: number): Matrix {
  const rng = new SeededRandom(seed);
  return matrix(
    n,
    d,
    Float32Array.from({ length: n * d }, () => rng.normal()),
  );
}

/** 1 − dot / max(|a||b|, 1e-8) in float64. */
function bruteDistance(m: Matrix, i: number, j: number): number {
  let dot = 0;
  let ii = 0;
  let jj = 0;
  for (let c = 0; c < m.cols; c++) {
    const a = m.data[i * m.cols + c];
    const b = m.data[j * m.cols + c];
    dot += a * b;
    ii += a * a;
    jj += b * b;
  }
  return 1 - dot / Math.max(Math.sqrt(ii * jj), 1e-8);
}

/** Every row's distances to all others, ascending. */
function bruteSorted(m: Matrix, i: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < m.rows; j++) if (j !== i) out.push(bruteDistance(m, i, j));
  return out.sort((a, b) => a - b);
}

// WebGPU too where Dawn finds an adapter (SwiftShader's without a GPU): its top-k is rowTopKProgram.ts.
const webgpu = await enableNodeWebGpu({ softwareFallback: true });
const BACKENDS: BackendName[] = webgpu.adapter ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm'];

for (const backend of BACKENDS) {
  describe(`cosineNeighbours on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend, backend === 'webgpu' ? webgpu.adapter : undefined);
    });

    it('matches brute force (indices and distances, ties aside), in blocks, without leaks', async () => {
      const points = randomPoints(57, 12, 11);
      // Row 40 duplicates row 3 (each must find the other at distance 0, never itself); row 9 is zero.
      points.data.copyWithin(40 * 12, 3 * 12, 4 * 12);
      points.data.fill(0, 9 * 12, 10 * 12);
      const k = 6;
      const before = tf.memory().numTensors;
      const events: ProgressEvent[] = [];
      const result = await cosineNeighbours(points, k, { blockRows: 8, onProgress: (e) => events.push(e) });
      expect(tf.memory().numTensors).toBe(before);
      expect(result.count).toBe(57);
      expect(result.k).toBe(k);
      expect(result.indices.length).toBe(57 * k);
      expect(result.distances.length).toBe(57 * k);
      expect(events.map((e) => e.done)).toEqual([0, 8, 16, 24, 32, 40, 48, 56, 57]);
      expect(events.every((e) => e.total === 57)).toBe(true);

      for (let i = 0; i < 57; i++) {
        const expected = bruteSorted(points, i).slice(0, k);
        const indices = Array.from(result.indices.subarray(i * k, (i + 1) * k));
        const distances = Array.from(result.distances.subarray(i * k, (i + 1) * k));
        expect(indices).not.toContain(i);
        expect(new Set(indices).size).toBe(k);
        for (let j = 0; j < k; j++) {
          // The j-th distance is the j-th smallest; the index is one that lies at that distance.
          expect(distances[j]).toBeCloseTo(expected[j], 5);
          expect(bruteDistance(points, i, indices[j])).toBeCloseTo(expected[j], 5);
          expect(distances[j]).toBeGreaterThanOrEqual(0);
        }
      }
      expect(result.indices[3 * k]).toBe(40);
      expect(result.indices[40 * k]).toBe(3);
      expect(result.distances[3 * k]).toBeCloseTo(0, 6);
      // A zero vector has cosine 0 with everything: distance 1 to all.
      for (let j = 0; j < k; j++) expect(result.distances[9 * k + j]).toBeCloseTo(1, 6);
    });

    it('gives the same answer whatever the block size', async () => {
      const points = randomPoints(33, 7, 5);
      const a = await cosineNeighbours(points, 4, { blockRows: 1 });
      const b = await cosineNeighbours(points, 4, { blockRows: 1000 });
      const c = await cosineNeighbours(points, 4);
      expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
      expect(Array.from(c.indices)).toEqual(Array.from(b.indices));
      for (let i = 0; i < a.distances.length; i++) expect(a.distances[i]).toBeCloseTo(b.distances[i], 6);
    });

    it('never lists a row as its own neighbour, even among more identical rows than k', async () => {
      const points = randomPoints(12, 6, 8);
      for (let i = 1; i < 6; i++) points.data.copyWithin(i * 6, 0, 6); // rows 0-5 identical
      const result = await cosineNeighbours(points, 3);
      for (let i = 0; i < 6; i++) {
        const indices = Array.from(result.indices.subarray(i * 3, i * 3 + 3));
        expect(indices).not.toContain(i);
        expect(indices.every((j) => j < 6)).toBe(true);
        for (let j = 0; j < 3; j++) expect(result.distances[i * 3 + j]).toBeCloseTo(0, 6);
      }
    });

    it('stops between blocks when cancelled, without leaks', async () => {
      const points = randomPoints(40, 5, 2);
      const controller = new AbortController();
      const before = tf.memory().numTensors;
      const seen: number[] = [];
      await expect(
        cosineNeighbours(points, 3, {
          blockRows: 10,
          signal: controller.signal,
          onProgress: (e) => {
            seen.push(e.done);
            if (e.done === 10) controller.abort(new Error('stop'));
          },
        }),
      ).rejects.toThrow('stop');
      expect(seen).toEqual([0, 10]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('rejects impossible requests with a message', async () => {
      const points = randomPoints(5, 3, 1);
      await expect(cosineNeighbours(points, 5)).rejects.toThrow('at most 4 neighbours');
      await expect(cosineNeighbours(points, 0)).rejects.toThrow('positive integer');
      await expect(cosineNeighbours(points, 2, { blockRows: 0 })).rejects.toThrow('blockRows');
      const all = await cosineNeighbours(points, 4);
      for (let i = 0; i < 5; i++)
        expect(
          Array.from(all.indices.subarray(i * 4, i * 4 + 4))
            .concat(i)
            .sort(),
        ).toEqual([0, 1, 2, 3, 4]);
    });
  });
}

describe.skipIf(!webgpu.adapter)('cosineNeighbours on webgpu (fused matmul + top-k)', () => {
  it('finds the CPU path’s neighbours across several row blocks, column tiles and depth steps', async () => {
    // 150 rows: 5 workgroups of 32 rows, 3 tiles of 64 columns (the last partial), d = 70: 3 depth steps.
    const points = randomPoints(150, 70, 21);
    await initBackend('cpu');
    const cpu = await cosineNeighbours(points, 15);
    await initBackend('webgpu', webgpu.adapter);
    const before = tf.memory().numTensors;
    const gpu = await cosineNeighbours(points, 15, { blockRows: 70 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(gpu.indices)).toEqual(Array.from(cpu.indices));
    for (let i = 0; i < cpu.distances.length; i++)
      expect(Math.abs(gpu.distances[i] - cpu.distances[i])).toBeLessThan(1e-6);
  });

  it('takes up to 32 neighbours (its lists merged 4 rows at a time)', async () => {
    const points = randomPoints(100, 9, 4);
    await initBackend('cpu');
    const cpu = await cosineNeighbours(points, 32);
    await initBackend('webgpu', webgpu.adapter);
    const gpu = await cosineNeighbours(points, 32);
    expect(Array.from(gpu.indices)).toEqual(Array.from(cpu.indices));
    for (let i = 0; i < cpu.distances.length; i++)
      expect(Math.abs(gpu.distances[i] - cpu.distances[i])).toBeLessThan(1e-6);
  });
});
