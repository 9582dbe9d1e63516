import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend';
import { matrix, row, type Matrix } from '../matrix';
import type { ProgressEvent } from '../progress';
import { SeededRandom } from '../rng';
import { fitProjection } from './umapProjection';

const CLUSTERS = 4;
const PER_CLUSTER = 50;
const DIMS = 32;

/** Well-separated Gaussian clusters: point i belongs to cluster i % CLUSTERS. */
function clusters(seed: number): Matrix {
  const rng = new SeededRandom(seed);
  const centres = Array.from({ length: CLUSTERS }, () =>
    Float32Array.from({ length: DIMS }, () => 3 * rng.normal()),
  );
  const n = CLUSTERS * PER_CLUSTER;
  const data = new Float32Array(n * DIMS);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < DIMS; j++) data[i * DIMS + j] = centres[i % CLUSTERS][j] + 0.5 * rng.normal();
  return matrix(n, DIMS, data);
}

function distance2d(xy: Float32Array, i: number, other: Float32Array, j: number): number {
  return Math.hypot(xy[2 * i] - other[2 * j], xy[2 * i + 1] - other[2 * j + 1]);
}

/** The fitted point nearest to placed point i. */
function nearestFitted(placed: Float32Array, i: number, fitted: Float32Array): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let j = 0; j < fitted.length / 2; j++) {
    const d = distance2d(placed, i, fitted, j);
    if (d < bestDistance) {
      bestDistance = d;
      best = j;
    }
  }
  return best;
}

/** Mean distance between points of the same cluster, and between points of different clusters. */
function meanDistances(xy: Float32Array, n: number): { intra: number; inter: number } {
  let intra = 0;
  let intraCount = 0;
  let inter = 0;
  let interCount = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = distance2d(xy, i, xy, j);
      if (i % CLUSTERS === j % CLUSTERS) {
        intra += d;
        intraCount++;
      } else {
        inter += d;
        interCount++;
      }
    }
  return { intra: intra / intraCount, inter: inter / interCount };
}

describe('fitProjection (umap-js with tfjs neighbours) on wasm', () => {
  const points = clusters(3);
  const n = points.rows;

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('keeps well-separated clusters apart, reports progress, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const events: ProgressEvent[] = [];
    const projection = await fitProjection(points, { seed: 7, onProgress: (e) => events.push(e) });
    expect(tf.memory().numTensors).toBe(before);
    expect(projection.count).toBe(n);
    expect(projection.dims).toBe(DIMS);
    expect(projection.nNeighbors).toBe(15);
    expect(projection.nEpochs).toBe(500); // umap-js's default for up to 2,500 points
    expect(projection.coordinates.length).toBe(2 * n);
    expect(projection.coordinates.every(Number.isFinite)).toBe(true);
    const { intra, inter } = meanDistances(projection.coordinates, n);
    expect(intra).toBeLessThan(inter / 10);

    const stages = [...new Set(events.map((e) => e.stage))];
    expect(stages).toEqual(['Map: neighbours', 'Map: layout']);
    const layout = events.filter((e) => e.stage === 'Map: layout');
    expect(layout.at(-1)).toEqual({ stage: 'Map: layout', done: 500, total: 500 });
    expect(layout.map((e) => e.done)).toEqual(Array.from({ length: 501 }, (_, i) => i));
  });

  it('gives identical coordinates for the same seed, other ones for another seed', async () => {
    const a = await fitProjection(points, { seed: 11, nEpochs: 60 });
    const b = await fitProjection(points, { seed: 11, nEpochs: 60 });
    const c = await fitProjection(points, { seed: 12, nEpochs: 60 });
    expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates));
    expect(Array.from(a.coordinates)).not.toEqual(Array.from(c.coordinates));
  });

  it("places a copy of a fitted point in that point's cluster, deterministically and independently of the batch", async () => {
    const projection = await fitProjection(points, { seed: 5 });
    const fitted = Float32Array.from(projection.coordinates);
    const { inter } = meanDistances(fitted, n);
    const targets = [17, 42, 123, 198];
    const copies = matrix(targets.length, DIMS);
    targets.forEach((t, i) => copies.data.set(row(points, t), i * DIMS));
    const placed = projection.transform(copies);
    expect(placed.length).toBe(2 * targets.length);
    targets.forEach((t, i) => {
      expect(distance2d(placed, i, fitted, t)).toBeLessThan(inter / 8);
      expect(nearestFitted(placed, i, fitted) % CLUSTERS).toBe(t % CLUSTERS);
    });
    // The fitted map does not move, and placing is a function of the point alone.
    expect(Array.from(projection.coordinates)).toEqual(Array.from(fitted));
    expect(Array.from(projection.transform(copies))).toEqual(Array.from(placed));
    const last = matrix(1, DIMS, Float32Array.from(row(copies, targets.length - 1)));
    expect(Array.from(projection.transform(last))).toEqual(Array.from(placed.subarray(-2)));
    expect(() => projection.transform(matrix(1, DIMS + 1))).toThrow('dims');
  });

  it('places a copy of a point of a curve next to that point', async () => {
    // A smooth closed-form curve through 32-d: each point's neighbours are its neighbours along the curve.
    const rng = new SeededRandom(4);
    const count = 200;
    const freq = Array.from({ length: DIMS }, () => 1 + 3 * rng.next());
    const phase = Array.from({ length: DIMS }, () => 2 * Math.PI * rng.next());
    const curve = matrix(count, DIMS);
    for (let i = 0; i < count; i++)
      for (let j = 0; j < DIMS; j++)
        curve.data[i * DIMS + j] = Math.sin(freq[j] * (i / count) * Math.PI + phase[j]) + 0.01 * rng.normal();
    const projection = await fitProjection(curve, { seed: 1 });
    const xy = projection.coordinates;
    let extent = 0;
    for (let i = 0; i < count; i++)
      for (let j = i + 1; j < count; j++) extent = Math.max(extent, distance2d(xy, i, xy, j));
    const targets = [17, 42, 90, 123, 160];
    const copies = matrix(targets.length, DIMS);
    targets.forEach((t, i) => copies.data.set(row(curve, t), i * DIMS));
    const placed = projection.transform(copies);
    targets.forEach((t, i) => {
      expect(distance2d(placed, i, xy, t)).toBeLessThan(0.1 * extent);
      expect(Math.abs(nearestFitted(placed, i, xy) - t)).toBeLessThanOrEqual(15);
    });
  });

  it('places as many points as it was fitted on without moving the map', async () => {
    const small = matrix(20, DIMS, points.data.slice(0, 20 * DIMS));
    const projection = await fitProjection(small, { seed: 1, nEpochs: 30 });
    const fitted = Float32Array.from(projection.coordinates);
    const placed = projection.transform(small);
    expect(placed.length).toBe(40);
    expect(placed.every(Number.isFinite)).toBe(true);
    expect(Array.from(projection.coordinates)).toEqual(Array.from(fitted));
  });

  it('rounds nEpochs up to a multiple of 3, so that umap-js transform ends', async () => {
    const projection = await fitProjection(points, { seed: 2, nEpochs: 50 });
    expect(projection.nEpochs).toBe(51);
    expect(projection.transform(matrix(1, DIMS, Float32Array.from(row(points, 0)))).length).toBe(2);
  });

  it('lowers nNeighbors for small inputs and refuses fewer than 3 points', async () => {
    const three = matrix(3, DIMS, points.data.slice(0, 3 * DIMS));
    const projection = await fitProjection(three, { seed: 1, nEpochs: 30 });
    expect(projection.nNeighbors).toBe(2);
    expect(projection.coordinates.every(Number.isFinite)).toBe(true);
    await expect(fitProjection(matrix(2, DIMS), { seed: 1 })).rejects.toThrow('at least 3 points');
    await expect(fitProjection(points, { seed: 1, nNeighbors: 1 })).rejects.toThrow('nNeighbors');
    await expect(fitProjection(points, { seed: 1, nEpochs: 0 })).rejects.toThrow('nEpochs');
  });

  it('stops when cancelled during the layout', async () => {
    const controller = new AbortController();
    let lastLayoutEpoch = 0;
    await expect(
      fitProjection(points, {
        seed: 1,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.stage !== 'Map: layout') return;
          lastLayoutEpoch = e.done;
          if (e.done === 10) controller.abort(new Error('cancelled by test'));
        },
      }),
    ).rejects.toThrow('cancelled by test');
    expect(lastLayoutEpoch).toBe(10);
  });
});
