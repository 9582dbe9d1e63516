import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { isolatedEnv, runScript, spawnScript, repoRoot } from '../../server/testing/scriptProcesses';

/**
 * `npm run experiment` as a hostile-but-fair user runs it (issue 14): a run folder is never half-written
 * or silently overwritten, its name cannot leave --output-dir, the output folder and the options are
 * checked before any work, a dataset too large for the machine is refused before loading, and float noise
 * is no win.
 */

const scratch = mkdtempSync(path.join(tmpdir(), 'experiment-safety-'));
const env = isolatedEnv(path.join(scratch, 'cache'));
const dataDir = path.resolve(repoRoot, '../shared/data');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function experiment(args: string[]) {
  return runScript('src/cli/experiment.ts', args, env);
}

/** A folder of its own for one test's runs. */
function outputDir(name: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  return dir;
}

describe('the run folder', () => {
  it('refuses an --experiment-name that leaves --output-dir', async () => {
    const out = outputDir('escape');
    for (const name of ['../escaped', path.join(scratch, 'absolute'), 'a/../../b']) {
      const r = await experiment(['--dataset', 'demo', '--output-dir', out, '--experiment-name', name]);
      expect(r.code, name).toBe(1);
      expect(r.stderr).toContain('--experiment-name must name a folder inside --output-dir');
      expect(r.stderr).not.toContain('Backend:');
    }
    expect(readdirSync(scratch).sort()).toEqual(['escape']);
  });

  it('checks that the output folder can be written before any work', async () => {
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    const r = await experiment(['--dataset', 'demo', '--output-dir', path.join(file, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: cannot write the run into .*a-file.*pass --output-dir/);
    expect(r.stderr).not.toMatch(/Backend:|Dataset /);
  });

  it('never overwrites a run silently; --overwrite replaces the folder whole', async () => {
    const out = outputDir('overwrite');
    const run = path.join(out, 'run');
    mkdirSync(run);
    writeFileSync(path.join(run, 'stale_results.csv'), 'from an older run');
    const args = ['--dataset', 'demo', '--num-steps', '5', '--output-dir', out, '--experiment-name', 'run'];
    const refused = await experiment(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/run already exists: pick another --experiment-name, or pass --overwrite/);
    expect(refused.stderr).not.toContain('Backend:');
    expect(readdirSync(run)).toEqual(['stale_results.csv']);

    const replaced = await experiment([...args, '--overwrite']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(readdirSync(run)).toContain('summary.json');
    expect(readdirSync(run)).not.toContain('stale_results.csv');
    expect(readdirSync(out)).toEqual(['run']);
  });
});

/**
 * Starts a run that writes many files (ArgKP21 with trajectories), and sends `signal` to its process group
 * (as a terminal's Ctrl-C does) as soon as the first folder of the run appears in `out`.
 */
async function signalWhileWriting(out: string, signal: NodeJS.Signals) {
  const args = ['--dataset', 'argkp21', '--data-dir', dataDir, '--save-tensors', '--output-dir', out];
  const run = spawnScript('src/cli/experiment.ts', [...args, '--experiment-name', 'run'], env, {
    group: true,
  });
  const watcher = watch(out);
  const appeared = new Promise<string>((resolve) => {
    watcher.on('change', (_event, name) => {
      // The writable-folder check at the start makes and removes a `.run.check-*` folder: not the run.
      if (typeof name !== 'string' || name.includes('.check-') || !existsSync(path.join(out, name))) return;
      process.kill(-run.proc.pid!, signal);
      resolve(name);
    });
  });
  // A run that ends before any folder of it appears (a failure at the start) fails the test at once, with
  // its output, instead of leaving it waiting for the folder until the timeout.
  const endedFirst = run.exited.then((code) => {
    throw new Error(`the run ended (code ${code}) before writing anything:\n${run.output()}`);
  });
  const first = await Promise.race([appeared, endedFirst]).finally(() => watcher.close());
  const code = await run.exited;
  return { first, code, output: run.output() };
}

describe('a run stopped while it writes', () => {
  it('leaves no half folder under the final name when killed (SIGKILL)', async () => {
    const out = outputDir('killed');
    const { first } = await signalWhileWriting(out, 'SIGKILL');
    expect(first).toMatch(/^\.run\.partial-/);
    expect(existsSync(path.join(out, 'run'))).toBe(false);
    // The partial files are in the hidden folder beside it (as docs/security-and-data-safety.md says).
    expect(readdirSync(out)).toEqual([first]);
  });

  it('on Ctrl-C stops, removes the partial files, and says nothing was written', async () => {
    const out = outputDir('interrupted');
    const { code, output } = await signalWhileWriting(out, 'SIGINT');
    expect(code, output).toBe(1);
    expect(output).toContain(`Error: Cancelled (Ctrl-C); nothing was written to ${path.join(out, 'run')}`);
    expect(output).not.toContain('Results in');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('options and datasets are checked before any work', () => {
  it('gives negative numbers the real message, and refuses absurd values', async () => {
    const cases: [string[], RegExp][] = [
      [['--lr', '-1'], /lr must be positive and at most 10 \(got -1\)/],
      [['--num-steps', '-1'], /num-steps must be an integer from 0 to 1000000 \(got -1\)/],
      [['--lr', '1e308'], /lr must be positive and at most 10 \(got 1e\+308\)/],
      [['--num-steps', '1e12'], /num-steps must be an integer from 0 to 1000000 \(got 1000000000000\)/],
      // Ran the whole experiment, then ran out of memory building 10^9 warm-up queries.
      [
        ['--measure-latency', '--latency-warmup', '1e9'],
        /--latency-warmup must be from 0 to 1000, got 1000000000/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await experiment(['--dataset', 'demo', ...args, '--output-dir', scratch]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/ambiguous|Backend:/);
    }
  });

  it('fails at once, in one line, on an --embedding-cache-dir that cannot be created', async () => {
    // The model download's own mkdir would spin at 100 % CPU there (under /proc), after the work began.
    const r = await experiment([
      '--dataset',
      'demo',
      '--embedding-model',
      'all-MiniLM-L6-v2',
      '--embedding-cache-dir',
      '/proc/no-such-folder/cache',
      '--output-dir',
      outputDir('model-cache'),
    ]);
    expect(r.code).toBe(1);
    const errorLines = r.stderr.split('\n').filter((line) => line.startsWith('Error: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(
      /cannot create the folder \/proc\/no-such-folder\/cache\/models .*pass --embedding-cache-dir with a writable folder/,
    );
    expect(r.stderr).not.toContain('Backend:');
  });

  it('refuses a CSV whose candidate pairs cannot fit in memory, before building them', async () => {
    // 100,000 labels × 100,000 texts: 10^10 pairs, about 1.1 TB.
    const lines = ['text,label'];
    for (let i = 0; i < 100_000; i++) lines.push(`text number ${i},label_${i}`);
    const csv = path.join(scratch, 'huge.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const r = await experiment(['--dataset', `csv:${csv}`, '--output-dir', outputDir('huge')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /huge\.csv \(100,000 labels × 100,000 texts\) makes 10,000,000,000 candidate pairs, about 1100\.0 GB of memory, more than this machine has/,
    );
    expect(r.stderr).toContain('cut the file down to fewer labels or rows');
  });

  it('refuses a BEIR folder whose candidate pairs cannot fit in memory, before building them, naming the cap', async () => {
    // 100,000 queries, each with one positive among 100,000 documents: without a cap, 10^10 pairs.
    const folder = path.join(scratch, 'huge-beir');
    mkdirSync(path.join(folder, 'qrels'), { recursive: true });
    const n = 100_000;
    const corpus: string[] = [];
    const queries: string[] = [];
    const qrels = ['query-id\tcorpus-id\tscore'];
    for (let i = 0; i < n; i++) {
      corpus.push(JSON.stringify({ _id: `d${i}`, title: '', text: `document ${i}` }));
      queries.push(JSON.stringify({ _id: `q${i}`, text: `query ${i}` }));
      qrels.push(`q${i}\td${i % 10}\t1`);
    }
    writeFileSync(path.join(folder, 'corpus.jsonl'), `${corpus.join('\n')}\n`);
    writeFileSync(path.join(folder, 'queries.jsonl'), `${queries.join('\n')}\n`);
    writeFileSync(path.join(folder, 'qrels', 'test.tsv'), `${qrels.join('\n')}\n`);
    const r = await experiment([
      '--dataset',
      `beir:${folder}`,
      '--max-documents',
      'all',
      '--output-dir',
      outputDir('huge-beir-out'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /huge-beir \(100,000 queries × 100,000 documents\) makes 10,000,000,000 candidate pairs, about 1100\.0 GB of memory, more than this machine has/,
    );
    expect(r.stderr).toContain('--max-documents N');
    // Refused while reading: no line about the loaded dataset.
    expect(r.stderr).not.toMatch(/^Dataset /m);
  });
});

describe('wins, losses and the paired tests', () => {
  it('count no difference below float noise (MAP 1.0 before and after is a tie)', async () => {
    // Five labels, each retrieved perfectly: every type's MAP is 1, up to the last bits.
    const rows = ['text,label'];
    for (const [label, words] of Object.entries({
      apple: 'apple fruit orchard',
      boat: 'boat sail harbor',
      chess: 'chess knight bishop',
      drum: 'drum rhythm beat',
      eagle: 'eagle feather nest',
    }))
      for (let i = 0; i < 10; i++) rows.push(`"${words} ${label} item${i}",${label}`);
    const csv = path.join(scratch, 'perfect.csv');
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const out = outputDir('perfect');
    const r = await experiment(['--dataset', `csv:${csv}`, '--output-dir', out, '--experiment-name', 'run']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(
      readFileSync(path.join(out, 'run', 'summary.json'), 'utf8'),
    ) as ExperimentSummary;
    for (const type of ['optimized', 'rerank_only', 'rocchio'] as const) {
      expect(summary.types[type]?.mean.map, type).toBeCloseTo(1, 12);
      expect(summary.types[type]?.vs_original?.map, type).toMatchObject({
        wins: 0,
        losses: 0,
        ties: 5,
        mean_delta: 0,
        p_randomization: 1,
      });
    }
  });
});
