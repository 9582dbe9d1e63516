import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `torch` and `ratios` sections of `npm run bench`: the reference's loop in PyTorch
 * (`scripts/torchBaseline.py`) on the same machine, in the same run, on the shapes this run measured, and
 * each of our medians divided by PyTorch's. The shapes go to the script as JSON (`--cases`), built from the
 * cases the benchmark actually ran (`torchCasesOf`), so the two sides cannot drift apart and `--quick`
 * shrinks both. Needs a Python with torch: `--python PATH`, else the first of `python3` and
 * `/usr/bin/python3` that imports it; without one the section says why (`skipped`) and there are no ratios.
 */

/** One of the benchmark's samples, as far as a ratio needs it (bench.ts's `Sample` is one). */
export interface ComparableSample {
  name: string;
  backend: string;
  implementation?: string;
  params: Record<string, number | boolean | string>;
  median_ms: number;
  gpu_kernel_ms?: number;
  warm?: { gpu_kernel_ms: number | null };
}

export type TorchCaseName = 'refine' | 'rescore' | 'knn' | 'pipeline';
type Params = Record<string, number | string>;

export interface TorchCase {
  name: TorchCaseName;
  params: Params;
}

export interface TorchResult extends TorchCase {
  median_ms: number;
  samples_ms: number[];
  stages_ms?: Record<string, number>;
}

export interface TorchReport {
  /** The Python that ran it, and the script. */
  python: string;
  script: string;
  python_version: string;
  /** torch.__version__. */
  torch: string;
  /** `cpu`, or the CUDA device's name. */
  device: string;
  device_type: 'cpu' | 'cuda' | string;
  /** torch.get_num_threads(): the intra-op threads of the CPU cases. */
  threads: number;
  repeats: number;
  results: TorchResult[];
}

export type TorchSection = TorchReport | { skipped: string };

/** The reference's loop over 150 queries: all at once (losses summed) or one query after another. */
export type TorchLoop = 'batched' | 'per query';

/** Each case of ours, the PyTorch case it is compared with, and the parameters that make the shape. */
const COUNTERPART: Record<string, TorchCaseName> = {
  refine: 'refine',
  refine_on_device: 'refine',
  rescore: 'rescore',
  knn: 'knn',
  pipeline: 'pipeline',
  // runExperiment itself on the pipeline's shape (benchDevice.ts's benchRunner).
  runner: 'pipeline',
};
const SHAPE: Record<TorchCaseName, string[]> = {
  refine: ['Q', 'K', 'd', 'steps'],
  rescore: ['Q', 'N', 'd'],
  knn: ['N', 'd', 'k'],
  pipeline: ['Q', 'N', 'd'],
};

function shapeOf(name: TorchCaseName, params: Record<string, unknown>): Params {
  return Object.fromEntries(SHAPE[name].map((key) => [key, params[key] as number]));
}

/**
 * The PyTorch cases of the shapes in `samples`, once each: refine per `loops` (`per query` only where
 * Q > 1), re-scoring on the device and with the queries from and the scores to the host.
 */
export function torchCasesOf(samples: ComparableSample[], loops: TorchLoop[] = ['batched']): TorchCase[] {
  const cases = new Map<string, TorchCase>();
  const add = (name: TorchCaseName, params: Params) =>
    cases.set(JSON.stringify([name, params]), { name, params });
  for (const sample of samples) {
    const name = COUNTERPART[sample.name];
    if (!name) continue;
    const shape = shapeOf(name, sample.params);
    if (name === 'refine') {
      for (const loop of loops) if (loop === 'batched' || shape.Q !== 1) add(name, { ...shape, loop });
    } else if (name === 'rescore') {
      add(name, shape);
      add(name, { ...shape, host: 'in and out' });
    } else add(name, shape);
  }
  return [...cases.values()];
}

export interface TorchRatio {
  /** Our case, backend and implementation. */
  case: string;
  backend: string;
  implementation?: string;
  /** The shape both sides ran. */
  params: Params;
  /** The PyTorch case's parameters (its loop, or `host` for re-scoring from and to the host). */
  torch_params: Params;
  /** What of ours is divided: the wall-clock median, or the GPU time of our programs (warm where measured). */
  measure: 'median_ms' | 'gpu_kernel_ms' | 'warm_gpu_kernel_ms';
  ours_ms: number;
  torch_ms: number;
  /** ours_ms / torch_ms: below 1 we are faster. */
  ratio: number;
  faster: 'ours' | 'torch' | 'same';
  /** How many times faster the faster side is (≥ 1). */
  times: number;
}

function significant(x: number, digits = 4): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

function ratioOf(ours: number, torch: number): Pick<TorchRatio, 'ratio' | 'faster' | 'times'> {
  const ratio = ours / torch;
  return {
    ratio: significant(ratio),
    faster: ratio < 1 ? 'ours' : ratio > 1 ? 'torch' : 'same',
    times: significant(ratio < 1 ? 1 / ratio : ratio),
  };
}

/**
 * Our median over PyTorch's for every case both measured with the same shape, per backend and
 * implementation. Wall-clock against wall-clock: our re-scoring starts from and ends in JavaScript arrays,
 * so it meets PyTorch's `host: 'in and out'`; our refinement, end to end or with its inputs on the device,
 * meets both of PyTorch's loops. Where a WebGPU case has its programs' GPU time, that is also divided by
 * PyTorch's time on the device (batched refinement, re-scoring without the host).
 */
export function torchRatios(samples: ComparableSample[], torch: TorchResult[]): TorchRatio[] {
  const ratios: TorchRatio[] = [];
  for (const sample of samples) {
    const name = COUNTERPART[sample.name];
    if (!name) continue;
    const shape = shapeOf(name, sample.params);
    const matches = torch.filter(
      (t) => t.name === name && SHAPE[name].every((key) => t.params[key] === shape[key]) && t.median_ms > 0,
    );
    const entry = (t: TorchResult, measure: TorchRatio['measure'], ours: number): TorchRatio => ({
      case: sample.name,
      backend: sample.backend,
      ...(sample.implementation && { implementation: sample.implementation }),
      params: shape,
      torch_params: t.params,
      measure,
      ours_ms: ours,
      torch_ms: t.median_ms,
      ...ratioOf(ours, t.median_ms),
    });
    for (const t of matches)
      if (name !== 'rescore' || t.params.host === 'in and out')
        ratios.push(entry(t, 'median_ms', sample.median_ms));
    const warmGpu = sample.warm?.gpu_kernel_ms;
    const gpu = warmGpu ?? sample.gpu_kernel_ms;
    if (gpu != null && gpu > 0)
      for (const t of matches)
        if (name === 'rescore' ? t.params.host === undefined : (t.params.loop ?? 'batched') === 'batched')
          ratios.push(entry(t, warmGpu != null ? 'warm_gpu_kernel_ms' : 'gpu_kernel_ms', gpu));
  }
  return ratios;
}

/** The script beside a bundle of the benchmark (npm run bench:gpu-bundle), else in the repository. */
export function torchScript(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, 'torchBaseline.py'),
    path.resolve(here, '../../scripts/torchBaseline.py'),
  ];
  return candidates.find((file) => existsSync(file)) ?? null;
}

const PROBE = 'import torch; print(torch.__version__, int(torch.cuda.is_available()))';

/**
 * The first Python of `candidates` that imports torch, or why none does (each candidate's reason).
 * `python3` is looked up on PATH; a pyenv shim without torch falls through to `/usr/bin/python3`.
 */
export async function findTorchPython(
  candidates: string[],
): Promise<{ python: string; torch: string; cuda: boolean } | { skipped: string }> {
  const reasons: string[] = [];
  for (const python of candidates) {
    const probe = await new Promise<{ out: string } | { error: string }>((resolve) =>
      execFile(python, ['-c', PROBE], { timeout: 120_000 }, (error, stdout, stderr) => {
        if (!error) return resolve({ out: stdout.trim() });
        const code = (error as NodeJS.ErrnoException).code;
        const last = stderr.trim().split('\n').pop();
        resolve({ error: code === 'ENOENT' ? 'not found' : last || error.message });
      }),
    );
    if ('out' in probe) {
      const [torch, cuda] = probe.out.split(' ');
      return { python, torch, cuda: cuda === '1' };
    }
    reasons.push(`${python}: ${probe.error}`);
  }
  return { skipped: `no Python with torch (${reasons.join('; ')})` };
}

/** Runs the script on `cases`; its progress goes to stderr as the benchmark's does. */
export function runTorchBaseline(options: {
  python: string;
  script: string;
  cases: TorchCase[];
  repeats: number;
  device?: string;
}): Promise<TorchSection> {
  const { python, script, cases, repeats, device } = options;
  const args = [script, '--repeats', String(repeats), '--cases', JSON.stringify(cases)];
  if (device) args.push('--device', device);
  return new Promise((resolve) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', (e) => resolve({ skipped: `${python}: ${e.message}` }));
    child.on('close', (code) => {
      if (code !== 0) {
        const last = stderr.trim().split('\n').pop() ?? '';
        return resolve({ skipped: `${path.basename(script)} exited with ${code}: ${last}` });
      }
      try {
        const { python: version, ...out } = JSON.parse(stdout) as Omit<
          TorchReport,
          'python' | 'script' | 'python_version'
        > & { python: string };
        resolve({ python, python_version: version, script, ...out });
      } catch (e) {
        resolve({ skipped: `${path.basename(script)} printed no JSON: ${(e as Error).message}` });
      }
    });
  });
}

export interface TorchOptions {
  /** `--python`: one Python to use, or `none`; default: `python3`, then `/usr/bin/python3`. */
  python?: string;
  /** `--torch-device`: cpu or cuda; default: cuda where torch sees one. */
  device?: string;
  /**
   * `--torch-loops`; default: batched, and per query too where PyTorch runs on the CPU (on a GPU the
   * per-query loop of 150 queries is 150 × 100 steps of kernel launches: about 25 s a run on an H100).
   */
  loops?: TorchLoop[];
  repeats: number;
}

/** The `torch` section for this run's samples, and the `ratios` when PyTorch ran. */
export async function benchTorch(
  samples: ComparableSample[],
  options: TorchOptions,
): Promise<{ torch: TorchSection; ratios?: TorchRatio[] }> {
  if (options.python === 'none') return { torch: { skipped: 'not asked (--python none)' } };
  if (torchCasesOf(samples).length === 0)
    return { torch: { skipped: 'no case to compare (sections refine, rescore, knn, pipeline)' } };
  const script = torchScript();
  if (!script) return { torch: { skipped: 'scripts/torchBaseline.py is not beside this benchmark' } };
  const found = await findTorchPython(options.python ? [options.python] : ['python3', '/usr/bin/python3']);
  if ('skipped' in found) return { torch: found };
  const device = options.device ?? (found.cuda ? 'cuda' : 'cpu');
  const loops = options.loops ?? (device === 'cpu' ? ['batched', 'per query'] : ['batched']);
  const cases = torchCasesOf(samples, loops);
  process.stderr.write(`torch ${found.torch} (${found.python}, ${device}): ${cases.length} cases\n`);
  const torch = await runTorchBaseline({
    python: found.python,
    script,
    cases,
    repeats: options.repeats,
    device,
  });
  return 'skipped' in torch ? { torch } : { torch, ratios: torchRatios(samples, torch.results) };
}

/** `--torch-loops batched,per-query` → the loops. */
export function parseTorchLoops(text: string): TorchLoop[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === 'batched') return 'batched';
      if (s === 'per-query') return 'per query';
      throw new Error(`--torch-loops: unknown "${s}" (batched, per-query)`);
    });
}
