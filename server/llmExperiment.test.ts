import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../src/core/experiment/outputs';
import { readJson } from '../src/testing/readJson';
import { SHARED_DATA_DIR } from '../src/testing/sharedFolder';
import { parseServerConfig, type ServerConfig } from './config';
import { FakeUpstream } from './testing/fakeUpstream';
import type { ScriptResult } from './testing/scriptProcesses';
import { spawnedServerSuite } from './testing/spawnedServerSuite';
import { startTestServer, type TestServer } from './testing/testServer';

/**
 * End to end: `npm run experiment -- --teacher llm:<model>` through the real teacher proxy (`npm start`'s
 * entry point, spawned) against the stand-in upstream, in direct mode, and misconfigured.
 */

const upstream = new FakeUpstream();
const API_KEY = 'e2e-key-5b1d9c0e7a';
const { scratch, server, cli } = spawnedServerSuite({
  scratchPrefix: 'llm-experiment-',
  upstream,
  serverEnv: (url) => ({ BASE_URL: url, API_KEY }),
});

/** `npm run experiment` in the test's environment (the cache in the scratch folder), `extraEnv` added. */
function experiment(args: string[], extraEnv: Record<string, string> = {}): Promise<ScriptResult> {
  return cli('src/cli/experiment.ts', args, extraEnv);
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
    const summary = readJson<ExperimentSummary>(path.join(dir, 'summary.json'));
    expect(Object.keys(summary.types).sort()).toEqual(
      ['hyde', 'optimized', 'optimized_hyde', 'original', 'rerank_only', 'rocchio'].sort(),
    );
    expect(summary.queries).toBe(10);
    expect(summary.teacher_scores).toMatchObject({ unscored: 0, content_filtered: 0 });
    const config = readJson<Record<string, unknown>>(path.join(dir, 'config.json'));
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
  /** `npm run experiment` with BASE_URL set, original and optimized only, into `out/<name>`; its config.json. */
  async function runDirect(out: string, name: string, args: string[]): Promise<Record<string, unknown>> {
    const r = await experiment(
      [
        ...args,
        ...['--computation-types', 'original,optimized', '--output-dir', out, '--experiment-name', name],
      ],
      { BASE_URL: upstream.url },
    );
    expect(r.code, r.stderr).toBe(0);
    return readJson<Record<string, unknown>>(path.join(out, name, 'config.json'));
  }

  it('runs ArgKP21 with the verbalized mode and the shared cache', async () => {
    const out = path.join(scratch, 'direct');
    const config = await runDirect(out, 'argkp', [
      '--dataset',
      'ArgKP21',
      '--data-dir',
      SHARED_DATA_DIR,
      '--teacher',
      'llm:LiteLLM/test-model',
      '--teacher-mode',
      'verbalized',
      '--total-scores',
      '5',
      '--scores-from-top',
      '5',
      '--num-steps',
      '20',
    ]);
    expect(config).toMatchObject({
      teacher: 'llm:LiteLLM/test-model',
      teacher_mode: 'verbalized',
      llm_via: 'direct',
    });
    const summary = readJson<ExperimentSummary>(path.join(out, 'argkp', 'summary.json'));
    expect(summary.queries).toBe(243);
    expect(Object.keys(summary.types)).toEqual(['original', 'optimized']);
  });

  it('picks the truefalse mode for llm:jhu-clsp/FollowIR-7B, on the completions endpoint', async () => {
    upstream.reset();
    const config = await runDirect(path.join(scratch, 'followir'), 'followir', [
      ...['--dataset', 'demo', '--teacher', 'llm:jhu-clsp/FollowIR-7B', '--thinking', 'off'],
      ...['--num-steps', '5'],
    ]);
    expect(config).toMatchObject({ teacher_mode: 'truefalse', llm_thinking: 'off', llm_via: 'direct' });
    expect(upstream.requests.length).toBeGreaterThan(0);
    expect(upstream.requests.every((q) => q.path === '/v1/completions')).toBe(true);
    expect(String(upstream.requests[0].body.prompt)).toMatch(
      /^<s> \[INST\] You are an expert Google searcher/,
    );
  });

  it('scores a content-filter refusal 0.5 (yes/no, as the reference) and reports the count', async () => {
    upstream.reset();
    // The stand-in's content filter refuses every judge prompt whose document mentions a card.
    const refused = (body: Record<string, unknown>) =>
      /\nDocument: [^\n]*\bcard\b/i.test(String((body.messages as { content: string }[])[0].content));
    upstream.plan = (body) => (refused(body) ? 'content_filter' : 'answer');
    const out = path.join(scratch, 'filtered');
    const r = await experiment(
      [
        ...['--dataset', 'demo', '--embedding-model', 'lsa-64', '--teacher', 'llm:filter-test-model'],
        ...['--num-steps', '5', '--computation-types', 'original,optimized', '--output-dir', out],
        ...['--experiment-name', 'filtered'],
      ],
      { BASE_URL: upstream.url },
    );
    expect(r.code, r.stderr).toBe(0);
    // Refusals are not retried: one request per refused document.
    const filtered = upstream.requests.filter((q) => refused(q.body)).length;
    expect(filtered).toBeGreaterThan(0);
    const summary = readJson<ExperimentSummary>(path.join(out, 'filtered', 'summary.json'));
    expect(summary.teacher_scores).toMatchObject({ unscored: 0, content_filtered: filtered });
    expect(r.stderr).toContain(
      `the upstream's content filter refused ${filtered} documents (scored 0.5 in yes/no mode, as the reference)`,
    );
    // The refused documents' teacher score in the raw scores is the reference's 0.5.
    const raw = readFileSync(path.join(out, 'filtered', 'optimized_raw_scores.csv'), 'utf8')
      .trim()
      .split('\n');
    const halves = raw.slice(1).filter((line) => line.split(',').at(-1) === '0.5').length;
    expect(halves).toBeGreaterThanOrEqual(filtered);
  });

  it('says what to set when nothing is configured, or the server URL is wrong', async () => {
    const common = ['--dataset', 'demo', '--teacher', 'llm:test-model', '--output-dir', scratch];
    const none = await experiment(common);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no upstream for model "test-model": set BASE_URL .*--server-url/);
    const wrong = await experiment([...common, '--server-url', 'http://127.0.0.1:9']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/cannot reach the teacher server at http:\/\/127\.0\.0\.1:9 .*"npm start"/);
    expect(wrong.stderr).toMatch(/fix --server-url/);
    const hydeOnly = await experiment(['--dataset', 'demo', '--computation-types', 'hyde']);
    expect(hydeOnly.stderr).toMatch(/needs an LLM to write hypothetical documents: name a --hyde-model/);
  });
});
