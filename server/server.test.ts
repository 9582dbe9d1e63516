import { request as httpRequest } from 'node:http';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLM_LIMITS, type GenerateResponse, type JudgeResponse } from '../src/core/teachers/llmApi';
import { buildJudgePrompt } from '../src/core/teachers/llmPrompts';
import { maxTokensField } from './llm/upstream';
import { FakeUpstream, relevance } from './testing/fakeUpstream';
import { NO_UPSTREAM, UPSTREAM_DOWN, standInSuite } from './testing/standInSuite';
import { startTestServer, type TestServer } from './testing/testServer';
import { SHARED_DATA_DIR } from '../src/testing/sharedFolder';

const API_KEY = 'lm-studio-key-7f3a91c2d4e5b6Zq9X';
const OPENAI_KEY = 'sk-proj-TESTONLY0123456789abcdefWx7Y';
const URL_PASSWORD = 'pa55-w0rd-in-url';

const upstream = new FakeUpstream();
const { scratch, main, configFor, withServer } = standInSuite('teacher-proxy-', [upstream], {
  apiKey: API_KEY,
  openaiApiKey: OPENAI_KEY,
});
/** Every response body any test saw: none may hold a secret. */
const seen: string[] = [];
let counter = 0;
const uniq = (text: string) => `${text} #${++counter}`;

async function call(
  url: string,
  method: 'GET' | 'POST',
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; text: string; type: string }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  seen.push(text);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: response.status, json, text, type: response.headers.get('content-type') ?? '' };
}

/** POST /api/judge: by default document "d" for model "m" in yes/no mode with a query no test sent before. */
function judge(url: string, request: Record<string, unknown> = {}) {
  return call(`${url}/api/judge`, 'POST', {
    model: 'm',
    mode: 'yesno',
    query: request.query ?? uniq('q'),
    documents: ['d'],
    ...request,
  });
}

/** A GET with the path sent exactly as written (fetch would normalise "..").*/
function rawGet(port: string, rawPath: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: Number(port), path: rawPath, method: 'GET' },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          seen.push(text);
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

afterAll(() => {
  for (const text of seen) {
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(API_KEY.slice(0, 8));
    expect(text).not.toContain(OPENAI_KEY);
    expect(text).not.toContain(OPENAI_KEY.slice(0, 12));
    expect(text).not.toContain(URL_PASSWORD);
  }
});

describe('GET /api/health and /api/config', () => {
  it('answers health, and says what is configured without any key', async () => {
    const health = await call(`${main.url}/api/health`, 'GET');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ ok: true });
    const config = await call(`${main.url}/api/config`, 'GET');
    expect(config.status).toBe(200);
    expect(config.json).toMatchObject({
      providers: { base_url: { configured: true, key: true }, openai: { configured: true, key: true } },
      concurrency: 30,
      retries: 2,
      cache: { enabled: true },
      data: { configured: false },
    });
  });
});

describe('POST /api/judge', () => {
  it('scores P(yes) / (P(yes) + P(no)) from the top log-probabilities (yes/no mode)', async () => {
    const query = uniq('cheap flights to paris');
    const documents = [
      'Cheap flights to Paris from London.',
      'A recipe for onion soup.',
      'Paris hotels near flights hub.',
    ];
    const r = await judge(main.url, { model: 'test-model', query, documents });
    expect(r.status, r.text).toBe(200);
    const body = r.json as unknown as JudgeResponse;
    documents.forEach((d, i) => {
      const expected = relevance(buildJudgePrompt('yesno', query, d));
      expect(body.scores[i]).toBeCloseTo(expected, 4);
    });
    expect(body.scores[0]!).toBeGreaterThan(body.scores[1]!);
    expect(body.errors).toEqual([null, null, null]);
    expect(body.cached).toBe(0);
    const sent = upstream.requests[0];
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.body).toMatchObject({
      model: 'test-model',
      logprobs: true,
      top_logprobs: 5,
      max_tokens: 5,
      seed: 42,
    });
    expect(sent.body).not.toHaveProperty('temperature');
    expect(sent.body.chat_template_kwargs).toBeUndefined();
  });

  it('parses a 0-100 rating (verbalized mode), and explains prose', async () => {
    const query = uniq('budget airline tickets');
    const documents = ['budget airline tickets on sale', 'gardening tips'];
    const digits = await judge(main.url, {
      model: 'LiteLLM/test-model',
      mode: 'verbalized',
      query,
      documents,
    });
    expect(digits.status, digits.text).toBe(200);
    const scores = (digits.json as unknown as JudgeResponse).scores;
    expect(scores[0]).toBe(
      Math.round(relevance(buildJudgePrompt('verbalized', query, documents[0])) * 100) / 100,
    );
    expect(upstream.requests[0].body.model).toBe('test-model');
    expect(upstream.requests[0].body.logprobs).toBeUndefined();

    upstream.reset();
    upstream.plan = (_b, n) => (n === 0 ? 'prose' : 'answer');
    const prose = await judge(main.url, { mode: 'verbalized', documents: ['x', 'y'] });
    expect(prose.status).toBe(200);
    const body = prose.json as unknown as JudgeResponse;
    expect(body.scores.filter((s) => s === null).length).toBe(1);
    expect(body.errors.find((e) => e !== null)).toMatch(/no rating at the start/);
  });

  it('skips a thinking token before the answer, and explains endless thinking and missing logprobs', async () => {
    upstream.plan = () => 'thinking';
    const query = uniq('refund policy');
    const ok = await judge(main.url, { query, documents: ['refund policy details'] });
    expect((ok.json as unknown as JudgeResponse).scores[0]).toBeCloseTo(
      relevance(buildJudgePrompt('yesno', query, 'refund policy details')),
      4,
    );

    upstream.reset();
    upstream.plan = (_b, n) => (n === 0 ? 'endless_thinking' : n === 1 ? 'no_logprobs' : 'answer');
    const r = await judge(main.url, { documents: ['a', 'b', 'c'] });
    const body = r.json as unknown as JudgeResponse;
    expect(body.errors.some((e) => /still thinking/.test(e ?? ''))).toBe(true);
    expect(body.errors.some((e) => /no log-probabilities/.test(e ?? ''))).toBe(true);
    expect(body.scores.filter((s) => s !== null).length).toBe(1);
  });

  it('switches thinking off as the reference (names with "Qwen"), or as asked, and drops a refused switch', async () => {
    const judgeModel = (model: string, thinking?: string) =>
      judge(main.url, { model, ...(thinking ? { thinking } : {}) });
    await judgeModel('Qwen/Qwen3-8B');
    await judgeModel('qwq-32b');
    await judgeModel('Qwen/Qwen3-8B', 'on');
    await judgeModel('LiteLLM/my-model', 'off');
    expect(upstream.requests.map((q) => q.body.chat_template_kwargs)).toEqual([
      { enable_thinking: false },
      undefined,
      undefined,
      { enable_thinking: false, thinking: false },
    ]);

    upstream.reset();
    upstream.plan = (body) => (body.chat_template_kwargs ? 'refuse_switch' : 'answer');
    const r = await judgeModel('qwq-32b', 'off');
    expect((r.json as unknown as JudgeResponse).scores[0]).not.toBeNull();
    expect(upstream.requests.map((q) => Boolean(q.body.chat_template_kwargs))).toEqual([true, false]);
    await judgeModel('qwq-32b', 'off');
    expect(upstream.requests.at(-1)!.body.chat_template_kwargs).toBeUndefined();
    expect((await judgeModel('m', 'sometimes')).status).toBe(400);
  });

  it('sends OpenAI/<model> with OPENAI_API_KEY, and max_completion_tokens only to api.openai.com', async () => {
    await judge(main.url, { model: 'OpenAI/gpt-4o-mini' });
    const sent = upstream.requests[0];
    expect(sent.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent.body.model).toBe('gpt-4o-mini');
    // As the reference, by host: the stand-in is not api.openai.com.
    expect(sent.body.max_tokens).toBe(5);
    expect(sent.body.max_completion_tokens).toBeUndefined();
    expect(maxTokensField('https://api.openai.com/v1')).toBe('max_completion_tokens');
    expect(maxTokensField('http://127.0.0.1:4000/v1')).toBe('max_tokens');
    expect(sent.body.reasoning_effort).toBeUndefined();
    await judge(main.url, { model: 'OpenAI/gpt-5-mini', mode: 'verbalized', thinking: 'off' });
    expect(upstream.requests[1].body.reasoning_effort).toBe('minimal');
    expect(upstream.requests[1].body.chat_template_kwargs).toBeUndefined();
  });

  it('retries 429, 500 and malformed replies with backoff, then succeeds', async () => {
    const behaviors = ['rate_limit', 'server_error', 'malformed'] as const;
    for (const behavior of behaviors) {
      upstream.reset();
      upstream.plan = (_b, n) => (n < 2 ? behavior : 'answer');
      const r = await judge(main.url);
      expect(r.status, `${behavior}: ${r.text}`).toBe(200);
      expect((r.json as unknown as JudgeResponse).scores[0]).not.toBeNull();
      expect(upstream.requests.length).toBe(3);
    }
  });

  it('reports an upstream that keeps failing as 502 with the reason, after the retries', async () => {
    upstream.plan = () => 'server_error';
    const r = await judge(main.url, { documents: ['a', 'b'] });
    expect(r.status).toBe(502);
    expect(r.json.message).toMatch(/upstream failed for every document: .*HTTP 500.*after 2 retries/);
    expect(upstream.requests.length).toBe(6);
  });

  it('times out a hanging upstream and retries it', async () => {
    await withServer({ timeoutMs: 150, retries: 1 }, async ({ url }) => {
      upstream.plan = () => 'hang';
      const r = await judge(url, { documents: ['a'] });
      expect(r.status).toBe(502);
      expect(r.json.message).toMatch(/did not answer within 0.15 s.*after 1 retries/);
      expect(upstream.requests.length).toBe(2);
    });
  });

  it('says what to set when no upstream is configured, or it is down, or it refuses the key', async () => {
    await withServer(NO_UPSTREAM, async (bare) => {
      const r = await judge(bare.url, { model: 'my-model', query: 'q' });
      expect(r.status).toBe(503);
      expect(r.json.message).toMatch(/no upstream for model "my-model": set BASE_URL/);
      const o = await judge(bare.url, { model: 'OpenAI/gpt-4o', query: 'q' });
      expect(o.status).toBe(503);
      expect(o.json.message).toMatch(/needs OPENAI_API_KEY/);
    });

    await withServer(UPSTREAM_DOWN, async (down) => {
      const r = await judge(down.url);
      expect(r.status).toBe(502);
      expect(r.json.message).toMatch(
        /cannot reach the upstream at http:\/\/127\.0\.0\.1:9\/v1.*check BASE_URL/,
      );
    });

    upstream.plan = () => 'bad_key';
    const r = await judge(main.url);
    expect(r.status).toBe(502);
    expect(r.json.message).toMatch(/refused the key \(HTTP 401\): check API_KEY/);
    // The stand-in echoes the key it got in a 401; nothing of it may come back (checked for all tests in afterAll).
    upstream.plan = () => 'bad_key';
    const o = await judge(main.url, { model: 'OpenAI/gpt-4o' });
    expect(o.json.message).toMatch(/check OPENAI_API_KEY/);
  });

  it('logs requests and upstream failures without any secret', async () => {
    const lines: string[] = [];
    const logged = await startTestServer(configFor({ logLevel: 'info', retries: 0 }), {
      write: (line) => void lines.push(line),
    });
    try {
      await judge(logged.url);
      upstream.plan = () => 'bad_key';
      await judge(logged.url);
      await judge(logged.url, { model: 'OpenAI/gpt-4o' });
    } finally {
      await logged.app.close();
    }
    const log = lines.join('');
    expect(log).toMatch(/POST \/api\/judge 200/);
    expect(log).toMatch(/refused the key/);
    seen.push(log);
  });

  it('moves credentials in BASE_URL into a header and never shows them', async () => {
    const port = new URL(upstream.url).port;
    await withServer(
      { baseUrl: `http://proxy-user:${URL_PASSWORD}@127.0.0.1:${port}`, apiKey: undefined },
      async (withCredentials) => {
        const r = await judge(withCredentials.url);
        expect(r.status).toBe(200);
        expect(upstream.requests[0].authorization).toBe(
          `Basic ${Buffer.from(`proxy-user:${URL_PASSWORD}`).toString('base64')}`,
        );
        const config = await call(`${withCredentials.url}/api/config`, 'GET');
        expect(JSON.stringify(config.json)).toContain(`http://127.0.0.1:${port}`);
      },
    );
  });

  it('validates and bounds requests: 4xx with a message', async () => {
    const bad = async (body: unknown, pattern: RegExp, status = 400) => {
      const r = await call(`${main.url}/api/judge`, 'POST', body);
      expect(r.status, r.text).toBe(status);
      expect(String(r.json.message)).toMatch(pattern);
    };
    await bad({ mode: 'yesno', query: 'q', documents: ['d'] }, /model/);
    await bad({ model: 'm', mode: 'maybe', query: 'q', documents: ['d'] }, /mode/);
    await bad({ model: 'm', mode: 'yesno', query: '', documents: ['d'] }, /query/);
    await bad({ model: 'm', mode: 'yesno', query: 'q', documents: [] }, /documents/);
    await bad({ model: 'm', mode: 'yesno', query: 'q', documents: [3] }, /documents\.0/);
    await bad(
      { model: 'm', mode: 'yesno', query: 'q', documents: Array(LLM_LIMITS.maxDocuments + 1).fill('d') },
      /documents/,
    );
    await bad(
      { model: 'm', mode: 'yesno', query: 'q'.repeat(LLM_LIMITS.maxQueryChars + 1), documents: ['d'] },
      /query/,
    );
    await bad(
      { model: 'm', mode: 'yesno', query: 'q', documents: ['d'.repeat(LLM_LIMITS.maxDocumentChars + 1)] },
      /documents\.0/,
    );
    await bad({ model: 'two words', mode: 'yesno', query: 'q', documents: ['d'] }, /model/);
    await bad({ model: 'm', mode: 'yesno', query: 'q', documents: ['d'], temperature: 1 }, /temperature/);
    await bad('{"model": "m",', /JSON|body/);
    const gen = async (body: unknown, pattern: RegExp) => {
      const r = await call(`${main.url}/api/generate`, 'POST', body);
      expect(r.status, r.text).toBe(400);
      expect(String(r.json.message)).toMatch(pattern);
    };
    await gen({ model: 'm' }, /prompts or queries/);
    await gen({ model: 'm', prompts: ['a'], queries: ['b'] }, /prompts or queries/);
    await gen({ model: 'm', queries: ['b'], max_tokens: 0 }, /max_tokens/);
    await gen({ model: 'm', queries: ['b'], temperature: 3 }, /temperature/);
    expect(upstream.requests.length).toBe(0);
    const missing = await call(`${main.url}/api/nothing`, 'GET');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toMatch(/no route GET \/api\/nothing/);
  });

  it('bounds the upstream calls in flight', async () => {
    await withServer({ concurrency: 3 }, async ({ url }) => {
      upstream.delayMs = 25;
      const r = await judge(url, { documents: Array.from({ length: 15 }, (_, i) => `document ${i}`) });
      expect(r.status).toBe(200);
      expect(upstream.requests.length).toBe(15);
      expect(upstream.maxInFlight).toBe(3);
    });
  });
});

describe('cache', () => {
  it('answers from the cache, also after a restart, and never caches a failure', async () => {
    const cacheDir = path.join(scratch, 'restart-cache');
    const request = {
      model: 'm',
      mode: 'yesno',
      query: uniq('loans'),
      documents: ['loan rates', 'car loans', 'weather'],
    };
    let server = await startTestServer(configFor({ cacheDir }));
    try {
      const first = await call(`${server.url}/api/judge`, 'POST', request);
      expect((first.json as unknown as JudgeResponse).cached).toBe(0);
      const again = await call(`${server.url}/api/judge`, 'POST', request);
      expect((again.json as unknown as JudgeResponse).cached).toBe(3);
      expect(again.json.scores).toEqual(first.json.scores);
      expect(upstream.requests.length).toBe(3);
    } finally {
      await server.app.close();
    }

    server = await startTestServer(configFor({ cacheDir }));
    try {
      const afterRestart = await call(`${server.url}/api/judge`, 'POST', request);
      expect((afterRestart.json as unknown as JudgeResponse).cached).toBe(3);
      expect(upstream.requests.length).toBe(3);

      // A different mode is a different key; a null score is not cached, so it is asked again.
      upstream.plan = () => 'prose';
      const verbalized = { ...request, mode: 'verbalized' };
      await call(`${server.url}/api/judge`, 'POST', verbalized);
      await call(`${server.url}/api/judge`, 'POST', verbalized);
      expect(upstream.requests.length).toBe(9);

      upstream.plan = () => 'answer';
      const hyde = { model: 'm', queries: [uniq('refund'), uniq('transfer')] };
      const g1 = await call(`${server.url}/api/generate`, 'POST', hyde);
      const g2 = await call(`${server.url}/api/generate`, 'POST', hyde);
      expect((g1.json as unknown as GenerateResponse).cached).toBe(0);
      expect((g2.json as unknown as GenerateResponse).cached).toBe(2);
      expect(g2.json.texts).toEqual(g1.json.texts);
      const config = await call(`${server.url}/api/config`, 'GET');
      expect(config.json.cache).toEqual({ enabled: true, scores: 3, texts: 2 });
    } finally {
      await server.app.close();
    }
  });

  it('asks the upstream once for a document that appears twice', async () => {
    const r = await judge(main.url, { documents: ['same', 'same'] });
    expect(r.json.scores).toHaveLength(2);
    expect(upstream.requests.length).toBe(1);
  });
});

describe('POST /api/generate', () => {
  it('writes one HyDE passage per query, or answers raw prompts', async () => {
    const query = uniq('how do I block my card');
    const r = await call(`${main.url}/api/generate`, 'POST', {
      model: 'm',
      queries: [query],
      max_tokens: 64,
      temperature: 0.5,
    });
    expect(r.status, r.text).toBe(200);
    const body = r.json as unknown as GenerateResponse;
    expect(body.texts[0]).toContain(query);
    expect(body.errors).toEqual([null]);
    expect(upstream.requests[0].body).toMatchObject({ max_tokens: 64, temperature: 0.5, seed: 42 });
    expect(String((upstream.requests[0].body.messages as { content: string }[])[0].content)).toMatch(
      /^Write a representative document passage/,
    );

    const raw = await call(`${main.url}/api/generate`, 'POST', { model: 'm', prompts: [uniq('Say hello')] });
    expect(raw.status).toBe(200);
    expect((upstream.requests[1].body.messages as { content: string }[])[0].content).toMatch(/^Say hello/);
    expect(upstream.requests[1].body).toMatchObject({ max_tokens: 256, temperature: 0.7 });
  });
});

describe('GET /data/*', () => {
  const dataDir = path.join(scratch, 'data');
  let server: TestServer;
  beforeAll(async () => {
    mkdirSync(path.join(dataDir, 'Demo'), { recursive: true });
    writeFileSync(path.join(dataDir, 'Demo', 'queries.jsonl'), '{"_id": "1", "text": "hello"}\n');
    writeFileSync(path.join(dataDir, 'readme.txt'), 'data folder');
    writeFileSync(path.join(dataDir, '.env'), 'SECRET=1');
    writeFileSync(path.join(scratch, 'outside.txt'), 'outside');
    symlinkSync(path.join(scratch, 'outside.txt'), path.join(dataDir, 'link-out.txt'));
    // A link inside the folder to a hidden file is not served either.
    symlinkSync(path.join(dataDir, '.env'), path.join(dataDir, 'env-link.txt'));
    server = await startTestServer(configFor({ dataDir }));
  });
  afterAll(async () => server.app.close());

  it('serves files read-only with their type, and folders as listings', async () => {
    const file = await call(`${server.url}/data/Demo/queries.jsonl`, 'GET');
    expect(file.status).toBe(200);
    expect(file.text).toBe('{"_id": "1", "text": "hello"}\n');
    expect(file.type).toMatch(/application\/x-ndjson/);
    const listing = await call(`${server.url}/data/`, 'GET');
    expect(listing.json.entries).toEqual([
      { name: 'Demo', type: 'folder' },
      { name: 'readme.txt', type: 'file' },
    ]);
    expect((await call(`${server.url}/data/Demo`, 'GET')).json.entries).toEqual([
      { name: 'queries.jsonl', type: 'file' },
    ]);
    expect((await call(`${server.url}/data/missing.csv`, 'GET')).status).toBe(404);
    expect((await call(`${server.url}/data/.env`, 'GET')).status).toBe(404);
    expect((await call(`${server.url}/data/env-link.txt`, 'GET')).status).toBe(404);
    expect((await call(`${server.url}/data/readme.txt`, 'POST', {})).status).toBe(404);
  });

  it('refuses paths that leave the folder', async () => {
    const port = new URL(server.url).port;
    for (const rawPath of [
      '/data/../package.json',
      '/data/Demo/../../outside.txt',
      '/data/%2e%2e/outside.txt',
      '/data/Demo/..%2f..%2foutside.txt',
      '/data/..%5coutside.txt',
    ]) {
      const r = await rawGet(port, rawPath);
      expect([403, 404], `${rawPath}: ${r.status}`).toContain(r.status);
      expect(r.text).not.toContain('outside');
    }
    expect((await rawGet(port, '/data/%2e%2e/outside.txt')).status).toBe(403);
    const link = await call(`${server.url}/data/link-out.txt`, 'GET');
    expect(link.status).toBe(403);
    expect(link.json.message).toMatch(/leaves the data folder/);
  });

  it('serves the shared datasets the browser loads (HEAD included)', async () => {
    await withServer({ dataDir: SHARED_DATA_DIR }, async (shared) => {
      const listing = await call(`${shared.url}/data/`, 'GET');
      expect(listing.json.entries).toContainEqual({ name: 'ArgKP21', type: 'folder' });
      const head = await fetch(`${shared.url}/data/ArgKP21/kpm_data/arguments_dev.csv`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/text\/csv/);
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
      const csv = await call(`${shared.url}/data/ArgKP21/kpm_data/arguments_dev.csv`, 'GET');
      expect(csv.text.length).toBe(Number(head.headers.get('content-length')));
    });
  });

  it('says how to configure it when no data folder is set', async () => {
    const r = await call(`${main.url}/data/ArgKP21/kpm_data/arguments_dev.csv`, 'GET');
    expect(r.status).toBe(404);
    expect(r.json.message).toMatch(/DATA_DIR/);
  });
});

describe('the app', () => {
  it('serves dist/ with a single-page fallback, or says how to build it', async () => {
    const distDir = path.join(scratch, 'dist');
    mkdirSync(path.join(distDir, 'assets'), { recursive: true });
    writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>Refinement Explorer</title>');
    writeFileSync(path.join(distDir, 'assets', 'app.js'), 'console.log(1)');
    await withServer({ distDir }, async (server) => {
      const index = await call(`${server.url}/`, 'GET');
      expect(index.status).toBe(200);
      expect(index.text).toContain('Refinement Explorer');
      const js = await call(`${server.url}/assets/app.js`, 'GET');
      expect(js.type).toMatch(/javascript/);
      const view = await fetch(`${server.url}/explore?dataset=demo&q=3`, {
        headers: { accept: 'text/html' },
      });
      expect(view.status).toBe(200);
      expect(await view.text()).toContain('Refinement Explorer');
      expect((await call(`${server.url}/assets/missing.js`, 'GET')).status).toBe(404);
    });
    const r = await call(`${main.url}/`, 'GET');
    expect(r.status).toBe(503);
    expect(r.text).toMatch(/npm run build/);
  });
});
