import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  benchTorch,
  parseTorchLoops,
  runTorchBaseline,
  torchCasesOf,
  torchRatios,
  torchScript,
  type ComparableSample,
  type TorchResult,
} from './benchTorch';

const refine = (backend: string, implementation: string, median_ms: number): ComparableSample => ({
  name: 'refine',
  backend,
  implementation,
  params: { Q: 150, K: 20, d: 384, steps: 100, auto: true },
  median_ms,
});
const torchResult = (name: TorchResult['name'], params: TorchResult['params'], median_ms: number) => ({
  name,
  params,
  median_ms,
  samples_ms: [median_ms],
});

describe('torchCasesOf', () => {
  it('asks PyTorch for each measured shape once, per loop and host variant', () => {
    const samples: ComparableSample[] = [
      refine('none', 'cpu-kernel', 100),
      refine('wasm', 'autodiff', 300),
      { ...refine('none', 'cpu-kernel', 2), params: { Q: 1, K: 20, d: 384, steps: 100 } },
      { name: 'rescore', backend: 'wasm', params: { Q: 150, N: 5000, d: 384 }, median_ms: 9 },
      { name: 'knn', backend: 'wasm', params: { N: 2000, d: 1024, k: 15 }, median_ms: 9 },
      {
        name: 'pipeline',
        backend: 'wasm',
        params: { Q: 30, N: 3000, d: 384, on_device: false },
        median_ms: 9,
      },
      { name: 'lsa', backend: 'none', params: {}, median_ms: 9 },
    ];
    expect(torchCasesOf(samples, ['batched', 'per query'])).toEqual([
      { name: 'refine', params: { Q: 150, K: 20, d: 384, steps: 100, loop: 'batched' } },
      { name: 'refine', params: { Q: 150, K: 20, d: 384, steps: 100, loop: 'per query' } },
      { name: 'refine', params: { Q: 1, K: 20, d: 384, steps: 100, loop: 'batched' } },
      { name: 'rescore', params: { Q: 150, N: 5000, d: 384 } },
      { name: 'rescore', params: { Q: 150, N: 5000, d: 384, host: 'in and out' } },
      { name: 'knn', params: { N: 2000, d: 1024, k: 15 } },
      { name: 'pipeline', params: { Q: 30, N: 3000, d: 384 } },
    ]);
  });

  it('reads --torch-loops', () => {
    expect(parseTorchLoops('batched,per-query')).toEqual(['batched', 'per query']);
    expect(() => parseTorchLoops('serial')).toThrow(/--torch-loops/);
  });
});

describe('torchRatios', () => {
  const torch: TorchResult[] = [
    torchResult('refine', { Q: 150, K: 20, d: 384, steps: 100, loop: 'batched' }, 200),
    torchResult('refine', { Q: 150, K: 20, d: 384, steps: 100, loop: 'per query' }, 4000),
    torchResult('refine', { Q: 150, K: 20, d: 1024, steps: 100, loop: 'batched' }, 500),
    torchResult('rescore', { Q: 150, N: 5000, d: 384 }, 2),
    torchResult('rescore', { Q: 150, N: 5000, d: 384, host: 'in and out' }, 4),
  ];

  it('divides our median by PyTorch’s for the same shape, per backend and implementation', () => {
    const ratios = torchRatios([refine('none', 'cpu-kernel', 100), refine('cpu', 'autodiff', 800)], torch);
    expect(ratios).toEqual([
      {
        case: 'refine',
        backend: 'none',
        implementation: 'cpu-kernel',
        params: { Q: 150, K: 20, d: 384, steps: 100 },
        torch_params: { Q: 150, K: 20, d: 384, steps: 100, loop: 'batched' },
        measure: 'median_ms',
        ours_ms: 100,
        torch_ms: 200,
        ratio: 0.5,
        faster: 'ours',
        times: 2,
      },
      expect.objectContaining({ implementation: 'cpu-kernel', torch_ms: 4000, ratio: 0.025, times: 40 }),
      expect.objectContaining({
        implementation: 'autodiff',
        torch_ms: 200,
        ratio: 4,
        faster: 'torch',
        times: 4,
      }),
      expect.objectContaining({
        implementation: 'autodiff',
        torch_ms: 4000,
        ratio: 0.2,
        faster: 'ours',
        times: 5,
      }),
    ]);
  });

  it('meets our re-scoring from and to JS arrays with PyTorch’s host in and out, GPU time with on-device', () => {
    const sample: ComparableSample = {
      name: 'rescore',
      backend: 'webgpu',
      params: { Q: 150, N: 5000, d: 384 },
      median_ms: 4,
      gpu_kernel_ms: 3,
      warm: { gpu_kernel_ms: 1 },
    };
    expect(torchRatios([sample], torch)).toEqual([
      expect.objectContaining({
        measure: 'median_ms',
        torch_params: { ...sample.params, host: 'in and out' },
      }),
      expect.objectContaining({ measure: 'warm_gpu_kernel_ms', ours_ms: 1, torch_ms: 2, faster: 'ours' }),
    ]);
    expect(torchRatios([sample], torch)[0]).toMatchObject({ ratio: 1, faster: 'same', times: 1 });
  });

  it('leaves out cases PyTorch did not run and shapes that differ', () => {
    const other = { ...refine('none', 'cpu-kernel', 5), params: { Q: 1, K: 20, d: 384, steps: 100 } };
    expect(torchRatios([other, { ...other, name: 'lsa' }], torch)).toEqual([]);
  });

  it('meets the pipeline and the experiment runner with PyTorch’s pipeline', () => {
    const params = { Q: 30, N: 3000, d: 384, on_device: false };
    const pipeline = [torchResult('pipeline', { Q: 30, N: 3000, d: 384 }, 100)];
    const ours = ['pipeline', 'runner'].map((name) => ({ name, backend: 'wasm', params, median_ms: 300 }));
    expect(torchRatios(ours, pipeline).map((r) => [r.case, r.ratio, r.faster])).toEqual([
      ['pipeline', 3, 'torch'],
      ['runner', 3, 'torch'],
    ]);
  });

  it('rounds to 4 significant digits', () => {
    const [r] = torchRatios([refine('none', 'cpu-kernel', 123.456)], torch);
    expect(r).toMatchObject({ ratio: 0.6173, times: 1.62 });
  });
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { timeout: 120_000 }).status === 0;

describe.skipIf(!hasTorch)(
  `scripts/torchBaseline.py on a tiny shape${hasTorch ? '' : ` (skipped: ${PYTHON} has no torch)`}`,
  () => {
    it('prints its results as JSON, one per case, shapes as given', async () => {
      const cases = torchCasesOf(
        [
          refine('none', 'cpu-kernel', 1),
          { name: 'rescore', backend: 'wasm', params: { Q: 3, N: 50, d: 8 }, median_ms: 1 },
          { name: 'knn', backend: 'wasm', params: { N: 40, d: 8, k: 15 }, median_ms: 1 },
          { name: 'pipeline', backend: 'wasm', params: { Q: 3, N: 60, d: 8 }, median_ms: 1 },
        ].map((s) => (s.name === 'refine' ? { ...s, params: { Q: 3, K: 5, d: 8, steps: 3 } } : s)),
        ['batched', 'per query'],
      );
      const report = await runTorchBaseline({
        python: PYTHON,
        script: torchScript()!,
        cases,
        repeats: 2,
        device: 'cpu',
      });
      if ('skipped' in report) throw new Error(report.skipped);
      expect(report).toMatchObject({ python: PYTHON, device: 'cpu', device_type: 'cpu', repeats: 2 });
      expect(report.torch).toMatch(/^\d+\.\d+/);
      expect(report.threads).toBeGreaterThan(0);
      expect(report.results.map((r) => ({ name: r.name, params: r.params }))).toEqual(cases);
      for (const r of report.results) {
        expect(r.samples_ms).toHaveLength(2);
        expect(r.median_ms).toBeGreaterThan(0);
      }
      expect(Object.keys(report.results.find((r) => r.name === 'pipeline')!.stages_ms!)).toEqual([
        'upload',
        'sample',
        'refine',
        'rescore',
        'rank_metrics',
      ]);
    });

    it('gives the ratios through benchTorch, and says why when there is no such Python', async () => {
      const sample = { ...refine('none', 'cpu-kernel', 1), params: { Q: 2, K: 4, d: 8, steps: 2 } };
      const { torch, ratios } = await benchTorch([sample], {
        python: PYTHON,
        device: 'cpu',
        loops: ['batched'],
        repeats: 1,
      });
      expect(torch).toMatchObject({ device_type: 'cpu' });
      expect(ratios).toEqual([expect.objectContaining({ case: 'refine', backend: 'none', ours_ms: 1 })]);
      const missing = await benchTorch([sample], {
        python: '/nonexistent/python3',
        loops: ['batched'],
        repeats: 1,
      });
      expect(missing).toEqual({
        torch: { skipped: 'no Python with torch (/nonexistent/python3: not found)' },
      });
    });
  },
);
