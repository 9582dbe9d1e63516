import { availableParallelism, cpus, totalmem, platform, arch, release } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName, type WebGpuAdapterDescription } from '../core/compute/backend';
import { matrix, type Matrix } from '../core/matrix';
import { cosineNeighbours } from '../core/projection/neighbours';
import {
  chooseImplementation,
  refineQueries,
  type RefineImplementationName,
  type RefinementProblem,
} from '../core/refine/optimizer';
import { packBatch } from '../core/refine/refinementBatch';
import { CorpusScorer } from '../core/refine/rescoring';
import { refineTensorsOnWebGpu, webGpuAdapterIsSoftware } from '../core/refine/webgpuKernel';
import { SeededRandom } from '../core/rng';
import { checkGolden, GOLDEN_TOLERANCE, loadGoldenCases, type GoldenCheck } from './benchGolden';
import { benchReadBack, benchRankOnDevice, benchRunner } from './benchDevice';
import { benchOutputs } from './benchOutputs';
import { PIPELINE_STAGES, pipelineInputs, runPipeline, type PipelineStageTimes } from './benchPipeline';
import { enableNodeWebGpu } from './nodeWebGpu';
import { quietTfjsNodeHint } from './quietTfjs';
import { runCli } from './runCli';
import './tfjsGradients';
import { benchTorch, parseTorchLoops } from './benchTorch';
import { packageVersions } from './versions';

/**
 * `npm run bench`: one JSON document on stdout with the engine's timings on this machine, per backend and
 * per optimizer implementation. Each case runs once to warm up (kernel compilation, allocation), then
 * `--repeats` times; the median is reported with every sample. Inputs are random (seeded): timings do not
 * depend on values. `--backends webgpu` runs tfjs's WebGPU backend in Node through Dawn (the `webgpu`
 * package) on a Vulkan GPU; see docs/performance-and-benchmarks.md for a GPU machine without Node.
 */
const USAGE = `Usage: npm run bench -- [options]
  --backends LIST         tfjs backends: cpu, wasm, webgpu (Node: Dawn over Vulkan); default cpu,wasm
  --implementations LIST  optimizer implementations: cpu-kernel, webgpu-kernel, autodiff; default all that
                          run on the backends (cpu-kernel once: it uses no tfjs backend)
  --sections LIST         golden, refine, rescore, knn, pipeline, outputs, lsa, embedding, cli_run;
                          default all
  --golden FILE           the PyTorch golden cases for the golden section (default
                          ../shared/reference/optimizer-golden.json)
  --repeats N             timed runs per case after one warm-up (default 3)
  --knn-docs N            documents for the k-NN case (default 15000; d = 1024, k = 15)
  --knn-backends LIST     backends that run the k-NN case (default: the given ones but cpu, which would
                          take minutes)
  --data-dir DIR          data folder with Clinc150 for the LSA fit and the CLI run (default ../shared/data)
  --quick                 smaller cases (d = 384 only, N = 5,000, 2,000 k-NN docs) for a smoke run
  --python PATH           a Python with torch for the PyTorch baseline of the same cases (section torch,
                          and ratios); default: python3, then /usr/bin/python3; none: skip it
  --torch-device D        cpu or cuda (default: cuda where torch sees one)
  --torch-loops LIST      batched, per-query (the reference's loop, one query after another); default
                          batched, plus per-query where PyTorch runs on the CPU\n`;

interface Sample {
  name: string;
  /** 'none' for the CPU kernel: plain TypeScript, no tfjs backend. */
  backend: BackendName | 'none';
  implementation?: RefineImplementationName;
  params: Record<string, number | boolean | string>;
  median_ms: number;
  samples_ms: number[];
  /** GPU time of the case's programs alone (WebGPU timestamp queries through tf.time), median. */
  gpu_kernel_ms?: number;
  /**
   * The same after keeping the GPU busy with the case for a second: a GPU idles at a low clock (an H100 at
   * 345 of 1,980 MHz) and a few milliseconds of work now and then do not raise it.
   */
  warm?: { gpu_kernel_ms: number | null; median_ms?: number; samples_ms?: number[] };
  /** `pipeline`: the median time of each of its stages (`PipelineStageTimes`). */
  stages_ms?: Record<string, number>;
}

const SECTIONS = [
  'golden',
  'refine',
  'rescore',
  'knn',
  'pipeline',
  'outputs',
  'lsa',
  'embedding',
  'cli_run',
] as const;
const IMPLEMENTATIONS: RefineImplementationName[] = ['cpu-kernel', 'webgpu-kernel', 'autodiff'];

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      backends: { type: 'string', default: 'cpu,wasm' },
      implementations: { type: 'string' },
      sections: { type: 'string', default: SECTIONS.join(',') },
      repeats: { type: 'string', default: '3' },
      'knn-docs': { type: 'string' },
      'knn-backends': { type: 'string' },
      'data-dir': { type: 'string' },
      golden: { type: 'string', default: '../shared/reference/optimizer-golden.json' },
      quick: { type: 'boolean', default: false },
      python: { type: 'string' },
      'torch-device': { type: 'string' },
      'torch-loops': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats must be a positive integer');
  const backendNames = listOption(values.backends, ['cpu', 'wasm', 'webgpu'] as const, '--backends');
  const implementations = listOption(
    values.implementations ?? IMPLEMENTATIONS.join(','),
    IMPLEMENTATIONS,
    '--implementations',
  );
  const sections = listOption(values.sections, SECTIONS, '--sections');
  const torchLoops = values['torch-loops'] ? parseTorchLoops(values['torch-loops']) : undefined;
  const knnDocs = Number(values['knn-docs'] ?? (values.quick ? 2_000 : 15_000));
  if (!Number.isInteger(knnDocs) || knnDocs < 16) throw new Error('--knn-docs must be an integer ≥ 16');
  const explicitKnn = Boolean(values['knn-backends']);
  const knnBackends = values['knn-backends']
    ? listOption(values['knn-backends'], ['cpu', 'wasm', 'webgpu'] as const, '--knn-backends')
    : backendNames.filter((b) => b !== 'cpu');
  quietTfjsNodeHint();

  const results: Sample[] = [];
  const backends: Record<string, string> = {};
  const skipped: string[] = [];
  const golden = sections.includes('golden')
    ? await loadGoldenCases(values.golden).catch((e: Error) => e)
    : null;
  const goldenChecks: GoldenCheck[] = [];
  if (golden instanceof Error) skipped.push(`golden: ${golden.message}`);
  const goldenCases = golden instanceof Error ? null : golden;
  if (goldenCases && implementations.includes('cpu-kernel'))
    goldenChecks.push(...(await checkGolden(goldenCases, 'cpu-kernel', 'none')));
  const dims = values.quick ? [384] : [384, 1024];
  const corpusSize = values.quick ? 5_000 : 25_000;
  const measure = measurer(repeats, results);
  const refineParams = { lr: 1e-4, numSteps: 100, refit: false, recordEvery: 0 };

  // The CPU kernel is plain TypeScript: measured once, whatever the backends.
  if (sections.includes('refine') && implementations.includes('cpu-kernel'))
    for (const d of dims)
      for (const Q of [1, 150]) {
        const problems = randomProblems(Q, 20, d);
        await measure('refine', 'none', { Q, K: 20, d, steps: 100 }, () =>
          refineQueries(problems, refineParams, { implementation: 'cpu-kernel' }),
        );
      }

  for (const name of backendNames) {
    const info = await startBackend(name).catch((e: Error) => e);
    if (info instanceof Error) {
      backends[name] = `unavailable: ${info.message}`;
      continue;
    }
    backends[name] = info;
    const auto = chooseImplementation();
    // A software WebGPU adapter (SwiftShader) runs everything, slowly: tfjs autodiff takes minutes per
    // case there and the k-NN case hours. Those run only when asked for by name.
    const software = webGpuAdapterIsSoftware();
    if (software) {
      if (!values.implementations)
        skipped.push(`${name}: autodiff (software adapter; --implementations autodiff)`);
      if (!explicitKnn) skipped.push(`${name}: knn (software adapter; --knn-backends ${name})`);
    }
    if (goldenCases)
      for (const implementation of implementations) {
        if (implementation === 'cpu-kernel') continue;
        if (implementation === 'webgpu-kernel' && name !== 'webgpu') continue;
        if (implementation === 'autodiff' && software && !values.implementations) continue;
        goldenChecks.push(...(await checkGolden(goldenCases, implementation, name)));
      }
    if (sections.includes('refine'))
      for (const implementation of implementations) {
        if (implementation === 'cpu-kernel') continue;
        if (implementation === 'webgpu-kernel' && name !== 'webgpu') continue;
        if (implementation === 'autodiff' && software && !values.implementations) continue;
        for (const d of dims)
          for (const Q of [1, 150]) {
            const problems = randomProblems(Q, 20, d);
            await measure('refine', name, { Q, K: 20, d, steps: 100, auto: auto === implementation }, () =>
              refineQueries(problems, refineParams, { implementation }),
            );
            if (implementation === 'webgpu-kernel')
              await measureOnDevice(measure, problems, refineParams, { Q, K: 20, d, steps: 100 }, repeats);
          }
      }
    if (sections.includes('rescore'))
      for (const d of dims) {
        const rng = new SeededRandom(2);
        const corpus = randomMatrix(rng, corpusSize, d);
        const queries = randomMatrix(rng, 150, d);
        const scorer = new CorpusScorer(corpus);
        const onDevice = tf.tensor2d(queries.data, [queries.rows, d]);
        try {
          const sample = await measure('rescore', name, { Q: 150, N: corpusSize, d }, () =>
            scorer.scoreAll(queries),
          );
          if (name === 'webgpu') {
            await addGpuTimes(sample, () => scorer.scoreOnDevice(onDevice), repeats);
          }
        } finally {
          onDevice.dispose();
          scorer.dispose();
        }
      }
    // Re-scoring with the ranking on the device: only ranks and the top 10 are read (benchDevice.ts).
    if (name === 'webgpu' && sections.includes('rescore')) await benchRankOnDevice(measure, corpusSize, dims);
    // What any wall-clock figure on a GPU includes: device-to-JS reads, through tensor.data() and through
    // the persistent staging buffer, one tensor and three at once (benchDevice.ts).
    if (name === 'webgpu' && (sections.includes('refine') || sections.includes('rescore')))
      await benchReadBack(measure, corpusSize);
    if (sections.includes('pipeline'))
      for (const d of dims) {
        const shape = { queries: values.quick ? 30 : 150, documents: values.quick ? 3_000 : 15_000, dims: d };
        const inputs = pipelineInputs(shape);
        const stageSamples: Partial<PipelineStageTimes>[] = [];
        const sample = await measure(
          'pipeline',
          name,
          { Q: shape.queries, N: shape.documents, d, on_device: name === 'webgpu' },
          () => {
            const stages: Partial<PipelineStageTimes> = {};
            stageSamples.push(stages);
            return runPipeline(inputs, stages);
          },
          () => runPipeline(inputs),
        );
        sample.stages_ms = Object.fromEntries(
          PIPELINE_STAGES.map((stage) => [stage, median(stageSamples.map((s) => s[stage] ?? 0))]),
        );
      }
    // The experiment runner on the same shapes (benchDevice.ts): on WebGPU its device-resident run.
    if (sections.includes('pipeline'))
      for (const d of dims)
        await benchRunner(measure, name, {
          queries: values.quick ? 30 : 150,
          documents: values.quick ? 3_000 : 15_000,
          dims: d,
        });
    if (sections.includes('knn') && knnBackends.includes(name) && (!software || explicitKnn)) {
      const points = randomMatrix(new SeededRandom(3), knnDocs, 1024);
      const warmRows = Math.min(1000, knnDocs);
      const warm = matrix(warmRows, 1024, points.data.subarray(0, warmRows * 1024));
      await measure(
        'knn',
        name,
        { N: knnDocs, d: 1024, k: 15 },
        () => cosineNeighbours(points, 15),
        () => cosineNeighbours(warm, 15),
      );
    }
  }

  // Files of a run (no device involved): the time to produce each large file, and the Parquet tuning.
  const outputs = sections.includes('outputs')
    ? await benchOutputs(repeats, values.quick).catch((e: Error) => ({ skipped: e.message }))
    : { skipped: 'not asked' };
  const lsa = sections.includes('lsa')
    ? await benchLsa(values['data-dir'], repeats)
    : { skipped: 'not asked' };
  const embedding = sections.includes('embedding')
    ? await (await import('./benchEmbedding')).benchEmbedding(repeats, values.quick)
    : { skipped: 'not asked' };
  // Last: a child process of its own, the whole CLI run as a user runs it.
  const cliRun = sections.includes('cli_run')
    ? await (await import('./benchCliRun')).benchCliRun(values['data-dir'], repeats)
    : { skipped: 'not asked' };
  // PyTorch on the same machine, on the shapes measured above (benchTorch.ts): the ratios of one run.
  const { torch, ratios } = await benchTorch(results, {
    python: values.python,
    device: values['torch-device'],
    loops: torchLoops,
    repeats,
  });
  const cpu = cpus();
  const report = {
    benchmark: 'refinement-explorer engine',
    timestamp: new Date().toISOString(),
    machine: {
      platform: platform(),
      release: release(),
      arch: arch(),
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      memory_gib: Math.round(totalmem() / 2 ** 30),
    },
    versions: packageVersions(),
    backends,
    skipped,
    golden: goldenCases
      ? {
          file: values.golden,
          tolerance: GOLDEN_TOLERANCE,
          all_within_tolerance: goldenChecks.every((c) => c.within_tolerance),
          checks: goldenChecks,
        }
      : null,
    results,
    goals: goals(results, backends),
    torch,
    ...(ratios && { ratios }),
    outputs,
    lsa_fit: lsa,
    embedding_throughput: embedding,
    cli_run: cliRun,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

/** Initialises a backend; WebGPU in Node goes through Dawn first. Resolves to the adapter's description. */
async function startBackend(name: BackendName): Promise<string> {
  let adapter: WebGpuAdapterDescription | undefined;
  if (name === 'webgpu') {
    const dawn = await enableNodeWebGpu();
    if (!dawn.adapter) throw new Error(dawn.reason);
    adapter = dawn.adapter;
  }
  return (await initBackend(name, adapter)).adapter;
}

type Measure = (
  name: string,
  backend: BackendName | 'none',
  params: Record<string, number | boolean | string>,
  work: () => Promise<unknown>,
  warmUp?: () => Promise<unknown>,
) => Promise<Sample>;

function measurer(repeats: number, results: Sample[]): Measure {
  return async (name, backend, params, work, warmUp = work) => {
    await warmUp();
    const samples: number[] = [];
    let implementation: RefineImplementationName | undefined;
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      const out = await work();
      samples.push(Math.round((performance.now() - start) * 100) / 100);
      if (isRefinement(out)) implementation = out.implementation;
    }
    const sample: Sample = {
      name,
      backend,
      implementation,
      params,
      median_ms: median(samples),
      samples_ms: samples,
    };
    process.stderr.write(
      `${name} ${backend}${implementation ? ` ${implementation}` : ''} ${JSON.stringify(params)}: ${sample.median_ms} ms\n`,
    );
    results.push(sample);
    return sample;
  };
}

function isRefinement(x: unknown): x is { implementation: RefineImplementationName } {
  return typeof x === 'object' && x !== null && 'implementation' in x;
}

/**
 * The fused kernel with its inputs already on the device (as when the engine keeps them there): one
 * dispatch, then one read of the refined queries. What a GPU can do, without the host's packing and upload.
 * Where the adapter has timestamp queries, the kernel's own GPU time is added (without dispatch and read).
 */
async function measureOnDevice(
  measure: Measure,
  problems: RefinementProblem[],
  params: { lr: number; numSteps: number; refit: boolean; recordEvery: number },
  shape: Record<string, number>,
  repeats: number,
): Promise<void> {
  const batch = packBatch(problems, params.refit);
  const { count: Q, width: K, dims: d } = batch;
  const inputs = {
    docs: tf.tensor3d(batch.docs, [Q, K, d]),
    queries: tf.tensor2d(batch.queries, [Q, d]),
    teacher: tf.tensor2d(batch.target, [Q, K]),
    counts: tf.tensor1d(batch.counts, 'int32'),
  };
  const dispatch = () => {
    const out = refineTensorsOnWebGpu(inputs, params);
    tf.dispose([out.lossPerStep, out.snapshots]);
    return out.refined;
  };
  const run = async () => {
    const refined = dispatch();
    try {
      return { refined: await refined.data(), implementation: 'webgpu-kernel' as const };
    } finally {
      refined.dispose();
    }
  };
  try {
    const sample = await measure('refine_on_device', 'webgpu', { ...shape, inputs: 'on device' }, run);
    await addGpuTimes(sample, dispatch, repeats, run);
  } finally {
    tf.dispose(Object.values(inputs));
  }
}

/**
 * Adds to a WebGPU case its programs' GPU time, then (after a second of back-to-back dispatches) their
 * warm GPU time and, given `run` (dispatch and read), its warm wall-clock time.
 */
async function addGpuTimes(
  sample: Sample,
  dispatch: () => tf.Tensor,
  repeats: number,
  run?: () => Promise<unknown>,
): Promise<void> {
  const cold = await gpuKernelTimes(dispatch, repeats);
  if (cold) sample.gpu_kernel_ms = median(cold);
  const start = performance.now();
  while (performance.now() - start < 1000) {
    let last: tf.Tensor | undefined;
    for (let i = 0; i < 20; i++) {
      last?.dispose();
      last = dispatch();
    }
    await last?.data();
    last?.dispose();
  }
  const warm = await gpuKernelTimes(dispatch, repeats);
  sample.warm = { gpu_kernel_ms: warm ? median(warm) : null };
  if (run) {
    const samples: number[] = [];
    for (let i = 0; i < Math.max(10, repeats); i++) {
      const t = performance.now();
      await run();
      samples.push(Math.round((performance.now() - t) * 100) / 100);
    }
    Object.assign(sample.warm, { median_ms: median(samples), samples_ms: samples });
  }
  process.stderr.write(`  warm: ${JSON.stringify(sample.warm)}\n`);
}

/**
 * GPU times (ms) of at least 10 runs of `work`'s programs, or null without timestamp queries. Dawn
 * quantizes timestamps (to 2^16 ns on the H100 measured), so single sub-millisecond times are coarse.
 */
async function gpuKernelTimes(work: () => tf.Tensor, repeats: number): Promise<number[] | null> {
  const backend = tf.backend() as unknown as { supportTimestampQuery?: boolean };
  if (!backend.supportTimestampQuery) return null;
  const times: number[] = [];
  for (let i = 0; i < Math.max(10, repeats); i++) {
    let out: tf.Tensor | undefined;
    const timing = await tf.time(() => {
      out = work();
    });
    out?.dispose();
    if (typeof timing.kernelMs !== 'number') return null;
    times.push(Math.round(timing.kernelMs * 1000) / 1000);
  }
  process.stderr.write(`  GPU time of its programs: ${median(times)} ms\n`);
  return times;
}

/** The issue's goals, checked against this run's medians (null where the run has no such case). */
function goals(results: Sample[], backends: Record<string, string>) {
  const best = (pick: (s: Sample) => boolean) => {
    const hits = results.filter(pick);
    if (hits.length === 0) return null;
    const top = hits.reduce((a, b) => (b.median_ms < a.median_ms ? b : a));
    return {
      ms: top.median_ms,
      backend: top.backend,
      implementation: top.implementation,
      gpu_kernel_ms: top.gpu_kernel_ms,
      warm: top.warm,
    };
  };
  const refine = (Q: number, d: number, gpu: boolean, name = 'refine') =>
    best(
      (s) =>
        s.name === name &&
        s.params.Q === Q &&
        s.params.d === d &&
        (gpu ? s.backend === 'webgpu' : s.backend !== 'webgpu'),
    );
  const rescore = (gpu: boolean) =>
    best(
      (s) =>
        s.name === 'rescore' &&
        s.params.d === 1024 &&
        (gpu ? s.backend === 'webgpu' : s.backend !== 'webgpu'),
    );
  // met: by the wall-clock median (dispatch and read included); gpu_time_met: by the warm GPU's time.
  const check = (what: string, goalMs: number, got: { ms: number; warm?: Sample['warm'] } | null) => ({
    what,
    goal_ms: goalMs,
    ...(got ?? { ms: null }),
    met: got ? got.ms <= goalMs : null,
    ...(got?.warm?.gpu_kernel_ms != null && { gpu_time_met: got.warm.gpu_kernel_ms <= goalMs }),
  });
  const gpu = backends.webgpu && !backends.webgpu.startsWith('unavailable') ? backends.webgpu : null;
  const knn = best((s) => s.name === 'knn' && s.backend === 'webgpu' && s.params.N === 15_000);
  return {
    cpu: [
      check('refine 1 query, d = 1024, K = 20, 100 steps', 10, refine(1, 1024, false)),
      check('refine 150 queries, d = 1024', 1000, refine(150, 1024, false)),
      check('re-score 150 × 25,000, d = 1024', 1000, rescore(false)),
    ],
    gpu: gpu
      ? {
          adapter: gpu,
          checks: [
            check('refine 150 queries, d = 1024', 2, refine(150, 1024, true)),
            check('refine 1 query, d = 1024', 1, refine(1, 1024, true)),
            check(
              'refine 150 queries, d = 1024, inputs on device',
              2,
              refine(150, 1024, true, 'refine_on_device'),
            ),
            check('refine 1 query, d = 1024, inputs on device', 1, refine(1, 1024, true, 'refine_on_device')),
            check('re-score 150 × 25,000, d = 1024', 5, rescore(true)),
            // One case, two goals: the first issue's, and the fused kernel's (the k-NN on WebGPU runs it).
            check('k-NN (k = 15) for 15,000 × 1024-d docs', 200, knn),
            check('k-NN (k = 15) for 15,000 × 1024-d docs, fused matmul + top-k', 30, knn),
            check(
              're-score 150 × 25,000, d = 1024, ranked on device',
              5,
              best(
                (s) => s.name === 'rescore_rank_on_device' && s.params.d === 1024 && s.params.N === 25_000,
              ),
            ),
          ],
        }
      : null,
  };
}

function listOption<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items)
    if (!allowed.includes(item as T))
      throw new Error(`${flag}: unknown "${item}" (one of ${allowed.join(', ')})`);
  return items as T[];
}

function randomMatrix(rng: SeededRandom, rows: number, cols: number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return matrix(rows, cols, data);
}

function randomProblems(Q: number, K: number, d: number): RefinementProblem[] {
  const rng = new SeededRandom(1);
  return Array.from({ length: Q }, () => ({
    query: Float32Array.from({ length: d }, () => rng.normal()),
    docs: randomMatrix(rng, K, d),
    teacherScores: Float32Array.from({ length: K }, () => rng.next()),
  }));
}

async function benchLsa(dataDirOption: string | undefined, repeats: number) {
  // Imported here, so that a bundle of this benchmark for a GPU machine needs no dataset code.
  const { loadDatasetFromDir, resolveDataDir } = await import('./dataFolder');
  const { LsaEmbedder } = await import('../core/embedding/lsaEmbedder');
  const { TwoThreadLsa } = await import('./parallelLsa');
  let dataDir: string;
  try {
    dataDir = resolveDataDir(dataDirOption ?? (process.env.DATA_DIR ? undefined : '../shared/data'));
  } catch (e) {
    return { skipped: (e as Error).message };
  }
  const dataset = await loadDatasetFromDir('Clinc150', dataDir).catch((e: Error) => e);
  if (dataset instanceof Error) return { skipped: dataset.message };
  const texts = dataset.documents.map((d) => d.text);
  // One thread (the browser's fit) and two (the CLI's, bit for bit the same), alternating; the helper
  // thread is started before the clock starts, as the CLI starts it while the dataset loads.
  const two = availableParallelism() > 1 ? new TwoThreadLsa() : undefined;
  const oneThread: number[] = [];
  const twoThreads: number[] = [];
  const time = async (parallelism: InstanceType<typeof TwoThreadLsa> | undefined) => {
    await parallelism?.started;
    const start = performance.now();
    await new LsaEmbedder({ dims: 256, seed: 42, parallelism }).fit(texts);
    return Math.round(performance.now() - start);
  };
  for (let i = 0; i < repeats; i++) {
    oneThread.push(await time(undefined));
    if (two) twoThreads.push(await time(two));
  }
  process.stderr.write(
    `lsa fit Clinc150: ${median(oneThread)} ms, ${median(twoThreads)} ms on two threads\n`,
  );
  return {
    dataset: 'Clinc150',
    documents: texts.length,
    dims: 256,
    median_ms: median(oneThread),
    samples_ms: oneThread,
    two_threads: two
      ? { median_ms: median(twoThreads), samples_ms: twoThreads }
      : { skipped: 'one core: the CLI fits on one thread' },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

await runCli(() => main(process.argv.slice(2)));
