import { readdirSync, readFileSync, rmSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_LAUNCHER, PROJECT_ROOT, runCliProcess } from './experimentProcess';

/** scripts/cli.mjs: `npm run <command>` from an esbuild bundle of src/cli/<command>.ts. */

const OUT_DIR = path.join(PROJECT_ROOT, '.cache/cli');
const STAMP = path.join(OUT_DIR, 'build.json');
const scratch = mkdtempSync(path.join(tmpdir(), 'cli-launcher-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Stamp {
  hash: string;
  inputs: string[];
  outputs: string[];
}
const readStamp = () => JSON.parse(readFileSync(STAMP, 'utf8')) as Stamp;

describe('the CLI launcher (scripts/cli.mjs)', () => {
  it('runs a command from its bundle, rebuilt when a source changed or an output is gone', async () => {
    const help = await runCliProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run experiment -- --dataset/);
    const stamp = readStamp();
    expect(stamp.inputs).toContain('src/cli/experiment.ts');
    expect(stamp.inputs).toContain('src/core/experiment/pipeline.ts');
    for (const name of ['experiment.mjs', 'runFileWorker.mjs', 'svdHelperWorker.mjs', 'matrix.mjs'])
      expect(stamp.outputs).toContain(name);

    // Up to date: started from the bundle as it is.
    const built = statSync(STAMP).mtimeMs;
    expect((await runCliProcess(['--help'])).code).toBe(0);
    expect(statSync(STAMP).mtimeMs).toBe(built);

    // A source whose content no longer hashes to the stamp's (as after an edit): built again.
    writeFileSync(STAMP, JSON.stringify({ ...stamp, hash: 'an edit since' }));
    expect((await runCliProcess(['--help'])).code).toBe(0);
    expect(readStamp().hash).toBe(stamp.hash);

    // An output gone: built again (two launchers at once each see whole files).
    rmSync(path.join(OUT_DIR, 'experiment.mjs'));
    const both = await Promise.all([runCliProcess(['--help']), runCliProcess(['--help'])]);
    expect(both.map((o) => o.code)).toEqual([0, 0]);
    expect(readdirSync(OUT_DIR).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes a run with the bundled file-writing workers', async () => {
    const outcome = await runCliProcess([
      ...['--dataset', 'demo', '--embedding-model', 'lsa-64', '--num-steps', '5'],
      ...['--output-dir', scratch, '--experiment-name', 'bundled'],
    ]);
    expect(outcome.code, outcome.stderrTail.join('\n')).toBe(0);
    const run = path.join(scratch, 'bundled');
    const summary = JSON.parse(readFileSync(path.join(run, 'summary.json'), 'utf8')) as { queries: number };
    const lines = readFileSync(path.join(run, 'optimized_run.txt'), 'utf8').trimEnd().split('\n');
    const qrels = readFileSync(path.join(run, 'qrels.txt'), 'utf8').trimEnd().split('\n');
    // One ranked line per judged candidate, as qrels.txt lists them.
    expect(lines.length).toBe(qrels.length);
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(summary.queries);
    expect(statSync(path.join(run, 'optimized_raw_scores.parquet')).size).toBeGreaterThan(0);
  });

  it('names the commands it knows when given another, and knows every worker the commands start', async () => {
    const unknown = await runCliProcess([], {}, 'nonsense');
    expect(unknown.code).toBe(1);
    expect(unknown.stderrTail.join('\n')).toContain('unknown command "nonsense" (one of: experiment');

    const launcher = (await import(pathToFileURL(CLI_LAUNCHER).href)) as {
      COMMANDS: string[];
      WORKER_ENTRIES: string[];
    };
    const cliDir = path.join(PROJECT_ROOT, 'src/cli');
    const started = readdirSync(cliDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) =>
        [
          ...readFileSync(path.join(cliDir, f), 'utf8').matchAll(/startWorker\(\s*new URL\('\.\/(\w+)\.ts'/g),
        ].map((m) => m[1]),
      );
    expect(started.length).toBeGreaterThan(0);
    expect([...new Set(started)].sort()).toEqual([...launcher.WORKER_ENTRIES].sort());

    // Every npm script that goes through the launcher names one of its commands.
    const scripts = (
      JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const launched = Object.values(scripts).flatMap((s) =>
      [...s.matchAll(/node scripts\/cli\.mjs (\w+)/g)].map((m) => m[1]),
    );
    expect(launched).toContain('experiment');
    for (const command of launched) expect(launcher.COMMANDS).toContain(command);
  });
});
