import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { JudgeResponse } from '../src/core/teachers/llmApi';
import { TeacherCache } from './llm/teacherCache';
import { FakeEmbeddingUpstream } from './testing/fakeEmbeddingUpstream';
import { FakeUpstream } from './testing/fakeUpstream';
import { isolatedEnv, runScript, spawnScript, startServerProcess } from './testing/scriptProcesses';
import { standInSuite } from './testing/standInSuite';
import { startTestServer } from './testing/testServer';

/**
 * The server as a hostile-but-fair user tries it (issue 14): requests from other sites (DNS rebinding),
 * keys quoted by the upstream, replies cut off, clients that go away, a hung upstream, shutdown, and a
 * cache folder that cannot be made. Every test talks to a real server on a real port.
 */

const API_KEY = 'lm-hardening-key-3c9e17ab52Q';
const upstream = new FakeUpstream();
const embeddings = new FakeEmbeddingUpstream();
const { scratch, main, withServer, configFor } = standInSuite('hardening-', [upstream, embeddings], {
  apiKey: API_KEY,
  openaiApiKey: 'sk-hardening-0123456789',
});
let counter = 0;
const uniq = (text: string) => `${text} #${++counter}`;

/** One HTTP request with the headers exactly as given (fetch would set Host and Origin itself). */
function send(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(port),
        path: options.path,
        method: options.method ?? 'GET',
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function judge(
  url: string,
  documents: string[],
  options: { model?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; json: JudgeResponse & { message?: string } }> {
  const response = await fetch(`${url}/api/judge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: options.model ?? 'm', mode: 'yesno', query: uniq('q'), documents }),
    signal: options.signal,
  });
  return { status: response.status, json: (await response.json()) as JudgeResponse & { message?: string } };
}

async function embed(
  url: string,
  texts: string[],
  signal?: AbortSignal,
): Promise<{ status: number; json: { message?: string } }> {
  const response = await fetch(`${url}/api/embed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', kind: 'query', texts }),
    signal,
  });
  return { status: response.status, json: (await response.json()) as { message?: string } };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('only requests that name the server are answered (DNS rebinding)', () => {
  it('refuses a Host that is not the server, naming ALLOWED_HOSTS, and takes the local names', async () => {
    const port = new URL(main.url).port;
    const evil = await send(main.url, { path: '/api/health', headers: { host: `rebind.example:${port}` } });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.text).message).toMatch(/Host header "rebind\.example:\d+".*ALLOWED_HOSTS/);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST'])
      expect((await send(main.url, { path: '/api/health', headers: { host } })).status, host).toBe(200);

    await withServer({ allowedHosts: ['lab.example'] }, async (lab) => {
      const ok = await send(lab.url, { path: '/api/health', headers: { host: `lab.example:${port}` } });
      expect(ok.status).toBe(200);
      const other = await send(lab.url, { path: '/api/health', headers: { host: 'other.example' } });
      expect(other.status).toBe(403);
    });
  });

  it('refuses a state-changing request from another site before it reaches the upstream', async () => {
    const body = { model: 'm', mode: 'yesno', query: uniq('q'), documents: ['d'] };
    /** The judge request, sent with `origin` as its Origin header. */
    const judgeFrom = (origin: string) =>
      send(main.url, { method: 'POST', path: '/api/judge', headers: { origin }, body });
    const evil = await judgeFrom('http://rebind.example:8787');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.text).message).toMatch(/rebind\.example.*ALLOWED_HOSTS/);
    const opaque = await judgeFrom('null');
    expect(opaque.status).toBe(403);
    expect(upstream.requests).toHaveLength(0);
    // The app served by the server, or by Vite's dev server (npm run dev), is local.
    for (const origin of [main.url, 'http://localhost:5173']) {
      const ok = await judgeFrom(origin);
      expect(ok.status, origin).toBe(200);
    }
  });
});

describe("the app's files (DIST_DIR)", () => {
  it('serves no hidden file and nothing a link takes out of the folder', async () => {
    const dist = path.join(scratch, 'dist');
    const outside = path.join(scratch, 'outside');
    for (const folder of [path.join(dist, '.git'), path.join(dist, 'assets'), outside])
      mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1);');
    writeFileSync(path.join(dist, '.env'), 'API_KEY=SECRET-ENV');
    writeFileSync(path.join(dist, '.git', 'config'), 'url = https://user:SECRET-TOKEN@host');
    writeFileSync(path.join(outside, 'shadow'), 'root:SECRET-HASH:19000::::::');
    symlinkSync(outside, path.join(dist, 'linked'));
    symlinkSync(path.join(outside, 'shadow'), path.join(dist, 'assets', 'shadow.txt'));
    symlinkSync(path.join(dist, '.env'), path.join(dist, 'assets', 'env.js'));
    // A link that stays inside is served.
    symlinkSync(path.join(dist, 'assets', 'app.js'), path.join(dist, 'assets', 'app-link.js'));
    await withServer({ distDir: dist }, async (server) => {
      for (const file of [
        '.env',
        '.git/config',
        '%2egit/config',
        'linked/shadow',
        'assets/shadow.txt',
        'assets/env.js',
      ]) {
        const r = await send(server.url, { path: `/${file}` });
        expect(r.status, file).toBe(404);
        expect(r.text, file).not.toContain('SECRET');
      }
      for (const file of ['/', '/assets/app.js', '/assets/app-link.js'])
        expect((await send(server.url, { path: file })).status, file).toBe(200);
    });
  });
});

describe('keys quoted by an upstream are redacted', () => {
  it("redacts a key inside a model's reply in errors[], and leaves ordinary words alone", async () => {
    upstream.plan = (_body, n) => (n === 0 ? 'answer' : 'echo_key');
    const r = await judge(main.url, ['first document', 'second document']);
    expect(r.status).toBe(200);
    expect(r.json.errors[1]).toMatch(/over quota/);
    expect(JSON.stringify(r.json)).not.toContain(API_KEY);

    await withServer({ openaiApiKey: undefined }, async (bare) => {
      const refused = await judge(bare.url, ['d'], { model: 'OpenAI/gpt-4o-mini' });
      expect(refused.status).toBe(503);
      expect(refused.json.message).toContain('needs OPENAI_API_KEY: set it in the environment');
    });
  });

  it('redacts the start of a key that a quoted reply cuts off half-way', async () => {
    // The error quotes the reply cut to 80 characters: the cut falls 20 characters into the key.
    const reply = `${'quota '.repeat(10)}${API_KEY} is spent`;
    upstream.script = () => ({ content: reply, tokens: [{ token: reply, logprob: 0, top_logprobs: [] }] });
    const r = await judge(main.url, ['d']);
    expect(r.status).toBe(200);
    expect(r.json.errors[0]).toMatch(/neither yes nor no .*quota quota \*\*\*/);
    expect(JSON.stringify(r.json)).not.toContain(API_KEY.slice(0, 8));
  });

  it("redacts it on the CLI's stderr (direct mode)", async () => {
    upstream.plan = (_body, n) => (n % 2 ? 'echo_key' : 'answer');
    const out = path.join(scratch, 'cli-out');
    const r = await runScript(
      'src/cli/experiment.ts',
      ['--dataset', 'demo', '--teacher', 'llm:m', '--num-steps', '5', '--output-dir', out],
      isolatedEnv(path.join(scratch, 'cli-cache'), { BASE_URL: upstream.url, API_KEY }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/could not score \d+ documents \(first: .*over quota/);
    expect(r.stderr + r.stdout).not.toContain(API_KEY);
  });
});

describe('faults of the upstream', () => {
  it('retries a chat reply cut off mid-body, and says so when it keeps happening', async () => {
    upstream.plan = (_body, n) => (n === 0 ? 'cut_off' : 'answer');
    const recovered = await judge(main.url, ['d']);
    expect(recovered.status).toBe(200);
    expect(recovered.json.scores[0]).not.toBeNull();
    expect(upstream.requests).toHaveLength(2);

    upstream.reset();
    upstream.plan = () => 'cut_off';
    const failed = await judge(main.url, ['d']);
    expect(failed.status).toBe(502);
    expect(failed.json.message).toMatch(/cut its reply off before the end.*after 2 retries/);
  });

  it("cancels a client's queued and in-flight upstream calls when it goes away", async () => {
    await withServer({ concurrency: 2, timeoutMs: 120_000, retries: 0 }, async (server) => {
      upstream.plan = () => 'hang';
      const client = new AbortController();
      const gone = judge(server.url, ['a', 'b', 'c', 'd', 'e', 'f'], { signal: client.signal }).catch(
        () => 'aborted',
      );
      await until(() => upstream.inFlight === 2, 'two calls in flight');
      client.abort();
      expect(await gone).toBe('aborted');
      // The calls in flight are closed, and the four queued ones are never sent.
      await until(() => upstream.inFlight === 0, 'the hung calls to be cancelled');
      upstream.plan = () => 'answer';
      const next = await judge(server.url, ['g']);
      expect(next.status).toBe(200);
      expect(upstream.requests).toHaveLength(3);
    });
  });

  it('logs a client that went away as one line, not as an error of the server', async () => {
    const lines: string[] = [];
    const logged = await startTestServer(configFor({ logLevel: 'info', timeoutMs: 120_000 }), {
      write: (line) => void lines.push(line),
    });
    try {
      upstream.plan = () => 'hang';
      const client = new AbortController();
      const gone = judge(logged.url, ['a'], { signal: client.signal }).catch(() => 'aborted');
      await until(() => upstream.inFlight === 1, 'the call in flight');
      client.abort();
      expect(await gone).toBe('aborted');
      await until(() => lines.some((line) => line.includes('went away')), 'the log line');
    } finally {
      await logged.app.close();
    }
    const log = lines.join('');
    expect(log).toMatch(/POST \/api\/judge: the client went away; its upstream calls stopped/);
    expect(log).not.toMatch(/"level":50/);
  });

  it('waits on one request for many documents without a listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      await withServer({}, async (server) => {
        upstream.plan = () => 'answer';
        const documents = Array.from({ length: 25 }, (_, i) => `document ${i}`);
        expect((await judge(server.url, documents)).status).toBe(200);
      });
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it('gives up a request after its time budget (REQUEST_TIMEOUT), freeing the shared slots', async () => {
    await withServer(
      { concurrency: 1, timeoutMs: 120_000, retries: 3, requestTimeoutMs: 300 },
      async (server) => {
        upstream.plan = () => 'hang';
        const stuck = await judge(server.url, ['a', 'b']);
        expect(stuck.status).toBe(504);
        expect(stuck.json.message).toMatch(/longer than REQUEST_TIMEOUT \(0\.3 s\)/);
        await until(() => upstream.inFlight === 0, 'the hung call to be cancelled');
        upstream.plan = () => 'answer';
        expect((await judge(server.url, ['c'])).status).toBe(200);
        expect(upstream.requests).toHaveLength(2);
      },
    );
  });
});

describe('faults of the embeddings upstream', () => {
  /** A server whose embeddings upstream takes one call at a time, and waits long before it retries. */
  const embeddingServer = { embedConcurrency: 1, timeoutMs: 120_000, retries: 3 };

  it('gives up an embeddings request after its time budget (REQUEST_TIMEOUT), freeing the shared slot', async () => {
    await withServer(
      { ...embeddingServer, embedBaseUrl: embeddings.url, requestTimeoutMs: 300 },
      async (server) => {
        embeddings.plan = () => 'hang';
        // (Without the budget, the request would wait for 4 calls of 120 s: the test gives up after 10 s.)
        const stuck = await embed(server.url, [uniq('a')], AbortSignal.timeout(10_000));
        expect(stuck.status).toBe(504);
        expect(stuck.json.message).toMatch(/longer than REQUEST_TIMEOUT \(0\.3 s\).*fewer texts per request/);
        await until(() => embeddings.inFlight === 0, 'the hung call to be cancelled');
        embeddings.plan = () => 'answer';
        expect((await embed(server.url, [uniq('b')])).status).toBe(200);
        expect(embeddings.requests).toHaveLength(2);
      },
    );
  });

  it('cancels a batch when every client that waits for it went away, not before', async () => {
    await withServer({ ...embeddingServer, embedBaseUrl: embeddings.url }, async (server) => {
      embeddings.plan = () => 'hang';
      const text = uniq('shared');
      const [first, second] = [new AbortController(), new AbortController()];
      const firstGone = embed(server.url, [text], first.signal).catch(() => 'aborted');
      await until(() => embeddings.inFlight === 1, 'the call in flight');
      // The second client waits for the same text: no second upstream call.
      const secondGone = embed(server.url, [text, uniq('queued')], second.signal).catch(() => 'aborted');
      await new Promise((resolve) => setTimeout(resolve, 200));
      first.abort();
      expect(await firstGone).toBe('aborted');
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The other client still waits for it: it goes on.
      expect(embeddings.inFlight).toBe(1);
      second.abort();
      expect(await secondGone).toBe('aborted');
      await until(() => embeddings.inFlight === 0, 'the hung call to be cancelled');
      embeddings.plan = () => 'answer';
      expect((await embed(server.url, [uniq('next')])).status).toBe(200);
      // The hung call and the next one: the queued text was never sent.
      expect(embeddings.requests).toHaveLength(2);
    });
  });
});

describe('npm start', () => {
  it('stops at once on SIGTERM with a hung upstream call, keeping every finished cache row', async () => {
    const cacheDir = path.join(scratch, 'sigterm-cache');
    const server = await startServerProcess(
      isolatedEnv(cacheDir, { BASE_URL: upstream.url, TIMEOUT: '600' }),
    );
    try {
      expect((await judge(server.url, ['one', 'two', 'three'])).status).toBe(200);
      upstream.plan = () => 'hang';
      void judge(server.url, ['four']).catch(() => undefined);
      await until(() => upstream.inFlight === 1, 'the hung call');
      server.proc.kill('SIGTERM');
      const [code] = (await once(server.proc, 'exit')) as [number | null];
      expect(code, server.output()).toBe(0);
    } finally {
      server.proc.kill('SIGKILL');
    }
    const cache = new TeacherCache(cacheDir);
    expect(cache.counts().scores).toBe(3);
    cache.close();
  });

  it('fails at once, in one line, on a CACHE_DIR that cannot be created', async () => {
    const started = startServerProcess(isolatedEnv('/proc/no-such-folder/cache', { BASE_URL: upstream.url }));
    const error = await started.then(
      (server) => {
        server.proc.kill('SIGKILL');
        return new Error('it started');
      },
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/exited \(1\)/);
    const errorLines = error.message.split('\n').filter((line) => line.startsWith('Error: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/\/proc\/no-such-folder\/cache.*set CACHE_DIR to a writable folder/);
  });

  it('fails at once, in one line, on a DIST_DIR that cannot be created to build the app into', async () => {
    // Without --no-build, npm start builds the app into DIST_DIR when it holds none (vite's own mkdir
    // spins there at 100 % CPU forever). In a process group, so that a build left running is killed too.
    const env = isolatedEnv(path.join(scratch, 'dist-cache'), { DIST_DIR: '/proc/no-such-folder/dist' });
    const server = spawnScript('server/main.ts', ['--port', '0'], env, { group: true });
    const stuck = setTimeout(() => process.kill(-server.proc.pid!, 'SIGKILL'), 30_000);
    const code = await server.exited.finally(() => clearTimeout(stuck));
    expect(code, server.output()).toBe(1);
    const errorLines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('Error: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/\/proc\/no-such-folder\/dist.*set DIST_DIR to a writable folder/);
    expect(server.output()).not.toContain('vite build');
  });
});
