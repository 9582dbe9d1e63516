import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../src/core/experiment/outputs';
import { parseServerConfig, type ServerConfig } from './config';
import { FakeUpstream } from './testing/fakeUpstream';
import {
  isolatedEnv,
  repoRoot,
  runScript,
  startServerProcess,
  type ScriptResult,
  type ServerProcess,
} from './testing/scriptProcesses';
import { startTestServer, type TestServer } from './testing/testServer';

/**
 * End to end: `npm run experiment -- --teacher llm:<model>` through the real teacher proxy (`npm start`'s
 * entry point, spawned) against the stand-in upstream, in direct mode, and misconfigured.
 */

const dataDir = path.resolve(repoRoot, '../shared/data');
const scratch = mkdtempSync(path.join(tmpdir(), 'llm-experiment-'));
const upstream = new FakeUpstream();

/** The test's environment: the cache in the scratch folder, `extra` added. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return isolatedEnv(path.join(scratch, 'cache'), extra);
}

function experiment(args: string[], extraEnv: Record<string, string> = {}): Promise<ScriptResult> {
  return runScript('src/cli/experiment.ts', args, env(extraEnv));
}

/** A server without cache in this process, configured by `overrides` alone. */
function inProcessServer(overrides: Partial<ServerConfig>): Promise<TestServer> {
  return startTestServer({
    ...parseServerConfig([], {}),
    logLevel: 'silent',
    cacheDir: undefined,
    ...overrides,
  });
}

const API_KEY = 'e2e-key-5b1d9c0e7a';
let server: ServerProcess;

beforeAll(async () => {
  await upstream.start();
  server = await startServerProcess(env({ BASE_URL: upstream.url, API_KEY }));
});

afterAll(async () => {
  server?.proc.kill('SIGTERM');
  await upstream.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm run experiment -- --teacher llm:<model> through the teacher proxy', () => {
  it('runs every computation type, HyDE included, on the demo dataset', async () => {
    expect(server.output()).toContain(`LLM models (LiteLLM/<model> or bare): ${upstream.url} with API_KEY`);
    expect(server.output()).not.toContain(API_KEY);
    const out = path.join(scratch, 'out');
    const r = await experiment([
      '--dataset',
      'demo',
      '--embedding-model',
      'lsa-64',
      '--teacher',
      'llm:test-model',
      '--hyde-model',
      'test-model',
      '--server-url',
      server.url,
      '--num-steps',
      '20',
      '--output-dir',
      out,
      '--experiment-name',
      'llm',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(out, 'llm');
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as ExperimentSummary;
    expect(Object.keys(summary.types).sort()).toEqual(
      ['hyde', 'optimized', 'optimized_hyde', 'original', 'rerank_only', 'rocchio'].sort(),
    );
    expect(summary.queries).toBe(10);
    expect(summary.teacher_scores).toMatchObject({ unscored: 0, content_filtered: 0 });
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      teacher: 'llm:test-model',
      teacher_mode: 'yesno',
      hyde_model: 'test-model',
      llm_thinking: 'reference',
      llm_via: server.url,
      num_steps: 20,
    });
    const hyde = readFileSync(path.join(dir, 'hyde_documents.jsonl'), 'utf8').trim().split('\n');
    expect(hyde.length).toBe(10);
    expect((JSON.parse(hyde[0]) as { text: string }).text).toMatch(/^A passage on /);

    // Every sampled document got a probability from the stand-in's log-probabilities.
    const raw = readFileSync(path.join(dir, 'optimized_raw_scores.csv'), 'utf8').trim().split('\n').slice(1);
    const teacherScores = raw
      .map((line) => line.split(',').at(-1)!)
      .filter((s) => s !== '')
      .map(Number);
    expect(teacherScores.length).toBeGreaterThan(50);
    for (const s of teacherScores) expect(s >= 0 && s <= 1).toBe(true);

    const judged = upstream.requests.filter((q) => q.body.logprobs === true);
    const written = upstream.requests.filter((q) => q.body.logprobs === undefined);
    expect(written.length).toBe(10);
    expect(judged.length).toBeGreaterThan(50);
    // The demo is a classification dataset: its task instruction is in the judge prompt.
    const prompt = (judged[0].body.messages as { content: string }[])[0].content;
    expect(prompt).toContain('Judge the relevance according to the following task:');
    expect(judged[0].body).toMatchObject({ max_tokens: 5, top_logprobs: 5, seed: 42 });
    expect(judged[0].body).not.toHaveProperty('temperature');
    expect(judged[0].authorization).toBe(`Bearer ${API_KEY}`);
    expect(r.stdout + r.stderr).not.toContain(API_KEY);
  });

  it('says what to do when the server has no upstream, or the upstream is down', async () => {
    const bare = await inProcessServer({});
    const down = await inProcessServer({ baseUrl: 'http://127.0.0.1:9', retries: 1, retryDelayMs: 5 });
    try {
      const common = [
        '--dataset',
        'demo',
        '--teacher',
        'llm:test-model',
        '--num-steps',
        '5',
        '--output-dir',
        scratch,
      ];
      const noUpstream = await experiment([...common, '--server-url', bare.url]);
      expect(noUpstream.code).toBe(1);
      expect(noUpstream.stderr).toMatch(
        /has no upstream for model "test-model": restart it with BASE_URL set/,
      );
      const upstreamDown = await experiment([...common, '--server-url', down.url]);
      expect(upstreamDown.code).toBe(1);
      expect(upstreamDown.stderr).toMatch(
        /cannot reach the upstream at http:\/\/127\.0\.0\.1:9\/v1.*check BASE_URL/,
      );
      expect(upstreamDown.stderr).not.toContain('    at ');
    } finally {
      await bare.app.close();
      await down.app.close();
    }
  });
});

describe('npm run experiment -- --teacher llm:<model> calling the upstream directly', () => {
  it('runs ArgKP21 with the verbalized mode and the shared cache', async () => {
    const out = path.join(scratch, 'direct');
    const r = await experiment(
      [
        '--dataset',
        'ArgKP21',
        '--data-dir',
        dataDir,
        '--teacher',
        'llm:LiteLLM/test-model',
        '--teacher-mode',
        'verbalized',
        '--computation-types',
        'original,optimized',
        '--total-scores',
        '5',
        '--scores-from-top',
        '5',
        '--num-steps',
        '20',
        '--output-dir',
        out,
        '--experiment-name',
        'argkp',
      ],
      { BASE_URL: upstream.url },
    );
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(path.join(out, 'argkp', 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      teacher: 'llm:LiteLLM/test-model',
      teacher_mode: 'verbalized',
      llm_via: 'direct',
    });
    const summary = JSON.parse(
      readFileSync(path.join(out, 'argkp', 'summary.json'), 'utf8'),
    ) as ExperimentSummary;
    expect(summary.queries).toBe(243);
    expect(Object.keys(summary.types)).toEqual(['original', 'optimized']);
  });

  it('picks the truefalse mode for llm:jhu-clsp/FollowIR-7B, on the completions endpoint', async () => {
    const out = path.join(scratch, 'followir');
    upstream.reset();
    const r = await experiment(
      [
        '--dataset',
        'demo',
        '--teacher',
        'llm:jhu-clsp/FollowIR-7B',
        '--thinking',
        'off',
        '--computation-types',
        'original,optimized',
        '--num-steps',
        '5',
        '--output-dir',
        out,
        '--experiment-name',
        'followir',
      ],
      { BASE_URL: upstream.url },
    );
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(path.join(out, 'followir', 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({ teacher_mode: 'truefalse', llm_thinking: 'off', llm_via: 'direct' });
    expect(upstream.requests.length).toBeGreaterThan(0);
    expect(upstream.requests.every((q) => q.path === '/v1/completions')).toBe(true);
    expect(String(upstream.requests[0].body.prompt)).toMatch(
      /^<s> \[INST\] You are an expert Google searcher/,
    );
  });

  it('says what to set when nothing is configured, or the server URL is wrong', async () => {
    const common = ['--dataset', 'demo', '--teacher', 'llm:test-model', '--output-dir', scratch];
    const none = await experiment(common);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no upstream for model "test-model": set BASE_URL .*--server-url/);
    const wrong = await experiment([...common, '--server-url', 'http://127.0.0.1:9']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/cannot reach the teacher server at http:\/\/127\.0\.0\.1:9 .*"npm start"/);
    const hydeOnly = await experiment(['--dataset', 'demo', '--computation-types', 'hyde']);
    expect(hydeOnly.stderr).toMatch(/needs an LLM to write hypothetical documents: name a --hyde-model/);
  });
});
