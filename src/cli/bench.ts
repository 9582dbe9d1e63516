import { cpus, totalmem, platform, arch, release } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend, type BackendName } from '../core/compute/backend';
import { LsaEmbedder } from '../core/embedding/lsaEmbedder';
import { matrix } from '../core/matrix';
import { refineQueries, type RefinementProblem } from '../core/refine/optimizer';
import { CorpusScorer } from '../core/refine/rescoring';
import { SeededRandom } from '../core/rng';
import { loadDatasetFromDir, resolveDataDir } from './dataFolder';
import { benchEmbedding } from './benchEmbedding';
import { quietTfjsNodeHint } from './quietTfjs';
import { runCli } from './runCli';
import { packageVersions } from './versions';

/**
 * `npm run bench`: one JSON document on stdout with the engine's timings on this machine, per backend.
 * Each case runs once to warm up (kernel compilation, allocation), then `--repeats` times; the median is
 * reported with every sample. Inputs are random (seeded): timings do not depend on values.
 */
const USAGE = `Usage: npm run bench -- [--backends cpu,wasm] [--repeats 3] [--data-dir DIR] [--quick]
  --quick   smaller cases (d=384 only, Q=1 and 150, N=5,000) for a fast smoke run\n`;

interface Sample {
  name: string;
  backend: BackendName;
  params: Record<string, number | boolean>;
  median_ms: number;
  samples_ms: number[];
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      backends: { type: 'string', default: 'cpu,wasm' },
      repeats: { type: 'string', default: '3' },
      'data-dir': { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats must be a positive integer');
  quietTfjsNodeHint();

  const results: Sample[] = [];
  const backends: Record<string, string> = {};
  const dims = values.quick ? [384] : [384, 1024];
  const corpusSize = values.quick ? 5_000 : 25_000;
  for (const name of values.backends.split(',') as BackendName[]) {
    const info = await initBackend(name).catch((e: Error) => e);
    if (info instanceof Error) {
      backends[name] = `unavailable: ${info.message}`;
      continue;
    }
    backends[name] = info.adapter;
    for (const d of dims)
      for (const Q of [1, 150]) {
        const problems = randomProblems(Q, 20, d);
        const params = { lr: 1e-4, numSteps: 100, refit: false, recordEvery: 0 };
        results.push(
          await measure('refine', name, { Q, K: 20, d, steps: 100 }, repeats, () =>
            refineQueries(problems, params),
          ),
        );
      }
    for (const d of dims) {
      const rng = new SeededRandom(2);
      const corpus = matrix(
        corpusSize,
        d,
        Float32Array.from({ length: corpusSize * d }, () => rng.normal()),
      );
      const queries = matrix(
        150,
        d,
        Float32Array.from({ length: 150 * d }, () => rng.normal()),
      );
      const scorer = new CorpusScorer(corpus);
      results.push(
        await measure('rescore', name, { Q: 150, N: corpusSize, d }, repeats, () => scorer.scoreAll(queries)),
      );
      scorer.dispose();
    }
  }

  const lsa = await benchLsa(values['data-dir'], repeats);
  const embedding = await benchEmbedding(repeats, values.quick);
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
    results,
    lsa_fit: lsa,
    embedding_throughput: embedding,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

function randomProblems(Q: number, K: number, d: number): RefinementProblem[] {
  const rng = new SeededRandom(1);
  return Array.from({ length: Q }, () => ({
    query: Float32Array.from({ length: d }, () => rng.normal()),
    docs: matrix(
      K,
      d,
      Float32Array.from({ length: K * d }, () => rng.normal()),
    ),
    teacherScores: Float32Array.from({ length: K }, () => rng.next()),
  }));
}

async function measure(
  name: string,
  backend: BackendName,
  params: Record<string, number | boolean>,
  repeats: number,
  work: () => Promise<unknown>,
): Promise<Sample> {
  await work();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    samples.push(Math.round((performance.now() - start) * 10) / 10);
  }
  process.stderr.write(`${name} ${backend} ${JSON.stringify(params)}: ${median(samples)} ms\n`);
  return { name, backend, params, median_ms: median(samples), samples_ms: samples };
}

async function benchLsa(dataDirOption: string | undefined, repeats: number) {
  let dataDir: string;
  try {
    dataDir = resolveDataDir(dataDirOption ?? (process.env.DATA_DIR ? undefined : '../shared/data'));
  } catch (e) {
    return { skipped: (e as Error).message };
  }
  const dataset = await loadDatasetFromDir('Clinc150', dataDir).catch((e: Error) => e);
  if (dataset instanceof Error) return { skipped: dataset.message };
  const texts = dataset.documents.map((d) => d.text);
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await new LsaEmbedder({ dims: 256, seed: 42 }).fit(texts);
    samples.push(Math.round(performance.now() - start));
  }
  process.stderr.write(`lsa fit Clinc150: ${median(samples)} ms\n`);
  return {
    dataset: 'Clinc150',
    documents: texts.length,
    dims: 256,
    median_ms: median(samples),
    samples_ms: samples,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

await runCli(() => main(process.argv.slice(2)));
