import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryEmbeddingCache } from '../src/core/embedding/embeddingCache';
import { decodeEmbeddings, embeddingsFromJson } from '../src/core/embedding/embeddingWire';
import { EMBED_LIMITS, type RemoteEmbedRequest } from '../src/core/embedding/remoteEmbeddingApi';
import { RemoteEmbedder } from '../src/core/embedding/remoteEmbedder';
import { RemoteEmbeddingHttpClient } from '../src/core/embedding/remoteEmbeddingHttpClient';
import { FALLBACK_INSTRUCTION } from '../src/core/embedding/templates';
import { parseServerConfig } from './config';
import { ProxyEmbeddingService } from './llm/embeddingService';
import { FakeEmbeddingUpstream, pseudoEmbedding } from './testing/fakeEmbeddingUpstream';
import { NO_UPSTREAM, UPSTREAM_DOWN, standInSuite } from './testing/standInSuite';
import { startTestServer } from './testing/testServer';
import { readReferenceGolden } from '../src/testing/sharedFolder';

/**
 * `POST /api/embed` on the real server on a real port, in front of the stand-in embeddings upstream (also a
 * real HTTP server): templates, batching to the upstream's limits, bounded concurrency, retries, time-outs,
 * the SQLite cache across restarts, validation, keys, and a 50,000-document corpus stopped and resumed.
 */

const API_KEY = 'vllm-key-9c1e5a7b3d2f4e6aQ8'; // the secret and its prefix must never come back
const OPENAI_KEY = 'sk-proj-EMBEDTEST0123456789abcdefZz';
const EMBED_KEY = 'tei-key-4b8d2f6a1c3e5g7hR2';
const DIMS = 48;

const upstream = new FakeEmbeddingUpstream({ dims: DIMS });
const other = new FakeEmbeddingUpstream({ dims: DIMS });
const { scratch, main, configFor, withServer } = standInSuite('embed-proxy-', [upstream, other], {
  apiKey: API_KEY,
  openaiApiKey: OPENAI_KEY,
});
/** Every response body any test saw (binary ones as latin1): none may hold a secret. */
const seen: string[] = [];
let counter = 0;
const uniq = (text: string) => `${text} n${++counter}`;

interface Answer {
  status: number;
  json: Record<string, unknown>;
  vectors?: Float32Array;
  dims?: number;
  cached?: number;
  type: string;
}

/** POST /api/embed; binary unless `json`. */
async function embed(url: string, body: unknown, options: { json?: boolean } = {}): Promise<Answer> {
  const response = await fetch(`${url}/api/embed`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.json ? {} : { accept: 'application/octet-stream' }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  seen.push(Buffer.from(bytes).toString('latin1'));
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('application/octet-stream')) {
    const decoded = decodeEmbeddings(bytes);
    return { status: response.status, json: {}, type, ...decoded };
  }
  const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  if (response.ok) {
    const decoded = embeddingsFromJson(json);
    return { status: response.status, json, type, ...decoded };
  }
  return { status: response.status, json, type };
}

/** What the upstream embeds for a query: templated, the newline made a space (as the reference's embedder). */
const queryText = (text: string) => `Instruct: ${FALLBACK_INSTRUCTION} Query: ${text}`;

/** `vectors` holds, row by row, the stand-in upstream's vector of each of `texts` (as the upstream got them). */
function expectVectorsOf(vectors: Float32Array | undefined, texts: string[]): void {
  expect(vectors).toBeDefined();
  expect(vectors!.length).toBe(texts.length * DIMS);
  texts.forEach((text, r) =>
    expect(Array.from(vectors!.subarray(r * DIMS, (r + 1) * DIMS))).toEqual(
      Array.from(pseudoEmbedding(text, DIMS)),
    ),
  );
}

afterAll(() => {
  for (const text of seen) {
    for (const secret of [API_KEY, OPENAI_KEY, EMBED_KEY]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(0, 10));
    }
  }
});

describe('POST /api/embed', () => {
  it('templates queries with the model’s template and answers float32 rows (binary and base64 JSON)', async () => {
    const texts = [uniq('cheap flights to paris'), uniq('onion soup recipe')];
    const r = await embed(main.url, { model: 'LiteLLM/Qwen/Qwen3-Embedding-8B', texts, kind: 'query' });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/octet-stream/);
    expect(r.dims).toBe(DIMS);
    expect(r.cached).toBe(0);
    expectVectorsOf(r.vectors, texts.map(queryText));
    const sent = upstream.requests[0];
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.body).toEqual({
      model: 'Qwen/Qwen3-Embedding-8B',
      input: texts.map(queryText),
      encoding_format: 'base64',
    });

    // Documents get the document template (the bare text); an instruction and a template can be given.
    const docs = [uniq('Paris flights on sale')];
    const d = await embed(
      main.url,
      { model: 'Qwen/Qwen3-Embedding-8B', texts: docs, kind: 'document' },
      { json: true },
    );
    expect(d.status).toBe(200);
    expect(d.json.encoding).toBe('base64-float32le');
    expectVectorsOf(d.vectors, [docs[0]]);
    expect(upstream.requests[1].body.input).toEqual(docs);
    const custom = await embed(main.url, {
      model: 'm',
      texts: [uniq('q')],
      kind: 'query',
      instruction: 'Find arguments',
      template: 'task: {instruction} | {text}',
    });
    expect(custom.status).toBe(200);
    expect(upstream.requests[2].body.input[0]).toMatch(/^task: Find arguments \| q n\d+$/);
  });

  it('sends OpenAI/<model> to OpenAI with OPENAI_API_KEY, and EMBED_BASE_URL’s server its own key only', async () => {
    const r = await embed(main.url, {
      model: 'OpenAI/text-embedding-3-small',
      texts: [uniq('a')],
      kind: 'query',
    });
    expect(r.status).toBe(200);
    expect(upstream.requests[0].authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(upstream.requests[0].body.model).toBe('text-embedding-3-small');
    // OpenAI's models take no instruction.
    expect(upstream.requests[0].body.input[0]).toMatch(/^a n\d+$/);

    await withServer({ embedBaseUrl: other.url }, async (separate) => {
      const s = await embed(separate.url, { model: 'bge', texts: [uniq('b')], kind: 'document' });
      expect(s.status).toBe(200);
      expect(other.requests.length).toBe(1);
      expect(upstream.requests.length).toBe(1);
      // API_KEY belongs to BASE_URL's server: it is not sent to another one.
      expect(other.requests[0].authorization).toBeUndefined();
    });
    await withServer({ embedBaseUrl: `${other.url}/v1`, embedApiKey: EMBED_KEY }, async (keyed) => {
      await embed(keyed.url, { model: 'bge', texts: [uniq('c')], kind: 'document' });
      expect(other.requests[1].authorization).toBe(`Bearer ${EMBED_KEY}`);
      expect(other.requests[1].path).toBe('/v1/embeddings');
    });
  });

  it('batches to EMBED_BATCH_SIZE, keeps EMBED_CONCURRENCY calls in flight, and learns a smaller limit', async () => {
    await withServer({ embedBatchSize: 16, embedConcurrency: 2 }, async (server) => {
      upstream.delayMs = 20;
      const texts = Array.from({ length: 70 }, (_, i) => uniq(`document number ${i}`));
      const r = await embed(server.url, { model: 'm', texts, kind: 'document' });
      expect(r.status).toBe(200);
      expect(upstream.requests.map((q) => q.body.input.length)).toEqual([16, 16, 16, 16, 6]);
      expect(upstream.maxInFlight).toBe(2);
      expectVectorsOf(r.vectors, texts);

      // A text-embeddings-inference server with --max-client-batch-size 5 answers 413 naming its limit.
      upstream.reset();
      upstream.maxBatch = 5;
      const more = Array.from({ length: 12 }, (_, i) => uniq(`passage ${i}`));
      const t = await embed(server.url, { model: 'tei-model', texts: more, kind: 'document' });
      expect(t.status).toBe(200);
      expectVectorsOf(t.vectors, more);
      const sizes = upstream.requests.map((q) => q.body.input.length);
      expect(sizes[0]).toBe(12);
      expect(sizes.slice(1).every((n) => n <= 5)).toBe(true);
      upstream.reset();
      upstream.maxBatch = 5;
      await embed(server.url, { model: 'tei-model', texts: more.map((x) => `${x} again`), kind: 'document' });
      expect(upstream.requests.map((q) => q.body.input.length)).toEqual([5, 5, 2]);
    });
  });

  it('asks for floats when the server refuses base64, and sorts replies by index', async () => {
    await withServer({}, async (server) => {
      upstream.refuseBase64 = true;
      upstream.plan = () => 'shuffled';
      const texts = [uniq('one'), uniq('two'), uniq('three')];
      const r = await embed(server.url, { model: 'm', texts, kind: 'document' });
      expect(r.status).toBe(200);
      expectVectorsOf(r.vectors, texts);
      expect(upstream.requests.map((q) => q.body.encoding_format)).toEqual(['base64', 'float']);
    });
  });

  it('retries 429, 500, malformed JSON, a wrong vector count and wrong dimensions, then succeeds', async () => {
    // The model's width is known once it answered.
    await embed(main.url, { model: 'm', texts: [uniq('first')], kind: 'document' });
    const behaviors = [
      'rate_limit',
      'server_error',
      'malformed',
      'wrong_count',
      'wrong_dims',
      'mixed_dims',
    ] as const;
    for (const behavior of behaviors) {
      upstream.reset();
      upstream.plan = (_b, n) => (n < 2 ? behavior : 'answer');
      const texts = [uniq('alpha'), uniq('beta'), uniq('gamma')];
      const r = await embed(main.url, { model: 'm', texts, kind: 'document' });
      expect(r.status, `${behavior}: ${JSON.stringify(r.json)}`).toBe(200);
      expectVectorsOf(r.vectors, texts);
      expect(upstream.requests.length, behavior).toBe(3);
    }
  });

  it('reports an upstream that keeps failing as 502 with the reason, after the retries', async () => {
    const cases = [
      ['wrong_count', /sent 3 vectors for 4 texts for model m2 \(after 2 retries\)/],
      ['server_error', /failed \(HTTP 500\).*after 2 retries/],
      ['mixed_dims', /vectors of different lengths \(48 and 47\)/],
    ] as const;
    for (const [behavior, pattern] of cases) {
      upstream.reset();
      upstream.plan = () => behavior;
      const r = await embed(main.url, {
        model: 'm2',
        texts: [uniq('a'), uniq('b'), uniq('c'), uniq('d')],
        kind: 'document',
      });
      expect(r.status).toBe(502);
      expect(String(r.json.message)).toMatch(/^the embeddings upstream failed: /);
      expect(String(r.json.message)).toMatch(pattern);
      expect(upstream.requests.length).toBe(3);
    }
  });

  it('times out a hanging upstream and retries it', async () => {
    await withServer({ timeoutMs: 150, retries: 1 }, async (server) => {
      upstream.plan = () => 'hang';
      const r = await embed(server.url, { model: 'm', texts: [uniq('a')], kind: 'document' });
      expect(r.status).toBe(502);
      expect(r.json.message).toMatch(/did not answer within 0.15 s.*after 1 retries/);
      expect(upstream.requests.length).toBe(2);
    });
  });

  it('keeps finished batches when a later one fails for good, so that sending again does only the rest', async () => {
    await withServer({ embedBatchSize: 4, embedConcurrency: 1, retries: 0 }, async (server) => {
      upstream.plan = (_b, n) => (n === 2 ? 'server_error' : 'answer');
      const texts = Array.from({ length: 12 }, (_, i) => uniq(`text ${i}`));
      const r = await embed(server.url, { model: 'm', texts, kind: 'document' });
      expect(r.status).toBe(502);
      expect(r.json.message).toMatch(/8 of 12 texts were embedded and cached: sending the request again/);
      upstream.reset();
      const again = await embed(server.url, { model: 'm', texts, kind: 'document' });
      expect(again.status).toBe(200);
      expect(again.cached).toBe(8);
      expect(upstream.inputs.length).toBe(4);
      expectVectorsOf(again.vectors, texts);
    });
  });

  it('says what to set when no upstream is configured, it is down, or it refuses the key', async () => {
    await withServer(NO_UPSTREAM, async (bare) => {
      const r = await embed(bare.url, { model: 'my-model', texts: ['x'], kind: 'query' });
      expect(r.status).toBe(503);
      expect(r.json.message).toMatch(/no embeddings upstream for model "my-model": set EMBED_BASE_URL/);
      const o = await embed(bare.url, {
        model: 'OpenAI/text-embedding-3-small',
        texts: ['x'],
        kind: 'query',
      });
      expect(o.status).toBe(503);
      expect(o.json.message).toMatch(/needs OPENAI_API_KEY/);
    });
    await withServer(UPSTREAM_DOWN, async (down) => {
      const r = await embed(down.url, { model: 'm', texts: [uniq('x')], kind: 'query' });
      expect(r.status).toBe(502);
      expect(r.json.message).toMatch(
        /cannot reach the embeddings server at http:\/\/127\.0\.0\.1:9\/v1.*check EMBED_BASE_URL/,
      );
    });
    upstream.plan = () => 'bad_key';
    const k = await embed(main.url, { model: 'm', texts: [uniq('x')], kind: 'query' });
    expect(k.status).toBe(502);
    expect(k.json.message).toMatch(/refused the key \(HTTP 401\): check EMBED_API_KEY or API_KEY/);
    upstream.plan = () => 'bad_key';
    const o = await embed(main.url, {
      model: 'OpenAI/text-embedding-3-large',
      texts: [uniq('x')],
      kind: 'query',
    });
    expect(o.json.message).toMatch(/check OPENAI_API_KEY/);
  });

  it('logs requests and upstream failures without any secret', async () => {
    const lines: string[] = [];
    const logged = await startTestServer(
      configFor({
        logLevel: 'info',
        retries: 0,
        embedBaseUrl: `http://tei:${EMBED_KEY}@127.0.0.1:${new URL(upstream.url).port}`,
        embedBatchSize: 8,
      }),
      {
        write: (line) => void lines.push(line),
      },
    );
    try {
      await embed(logged.url, { model: 'm', texts: [uniq('x')], kind: 'query' });
      expect(upstream.requests[0].authorization).toBe(
        `Basic ${Buffer.from(`tei:${EMBED_KEY}`).toString('base64')}`,
      );
      upstream.plan = () => 'bad_key';
      await embed(logged.url, { model: 'm', texts: [uniq('x')], kind: 'query' });
      upstream.reset();
      upstream.maxBatch = 3;
      await embed(logged.url, {
        model: 'm',
        texts: Array.from({ length: 6 }, (_, i) => uniq(`t${i}`)),
        kind: 'query',
      });
      const config = await fetch(`${logged.url}/api/embed/config`);
      seen.push(await config.text());
    } finally {
      await logged.app.close();
    }
    const log = lines.join('');
    expect(log).toMatch(/POST \/api\/embed 200/);
    expect(log).toMatch(/refused the key/);
    expect(log).toMatch(/takes at most 3 texts per call/);
    seen.push(log);
  });

  it('validates and bounds requests: 4xx with a message', async () => {
    const bad = async (body: unknown, pattern: RegExp, status = 400) => {
      const r = await embed(main.url, body);
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      expect(String(r.json.message)).toMatch(pattern);
    };
    await bad({ texts: ['a'], kind: 'query' }, /model/);
    await bad({ model: 'm', texts: ['a'], kind: 'passage' }, /kind/);
    await bad({ model: 'm', texts: [], kind: 'query' }, /texts/);
    await bad({ model: 'm', texts: [3], kind: 'query' }, /texts\.0/);
    await bad({ model: 'm', texts: Array(EMBED_LIMITS.maxTexts + 1).fill('a'), kind: 'query' }, /texts/);
    await bad({ model: 'm', texts: ['a'.repeat(EMBED_LIMITS.maxTextChars + 1)], kind: 'query' }, /texts\.0/);
    await bad({ model: 'two words', texts: ['a'], kind: 'query' }, /model/);
    await bad(
      { model: 'm', texts: ['a'], kind: 'query', template: 'no placeholder' },
      /must contain \{text\}/,
    );
    await bad({ model: 'm', texts: ['a'], kind: 'query', template: '{txt}' }, /unknown placeholder/);
    await bad({ model: 'm', texts: ['a'], kind: 'query', dimensions: 8 }, /dimensions/);
    await bad('{"model": "m",', /JSON|body/);
    expect(upstream.requests.length).toBe(0);
  });

  it('says what is configured at GET /api/embed/config, never a key', async () => {
    const r = await fetch(`${main.url}/api/embed/config`);
    const text = await r.text();
    seen.push(text);
    const config = JSON.parse(text) as Record<string, unknown>;
    expect(config).toMatchObject({
      providers: { base_url: { configured: true, key: true, separate: false }, openai: { configured: true } },
      batch_size: 32,
      concurrency: 8,
      cache: { enabled: true },
    });
    expect((config.models as { name: string }[]).map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'Qwen3-Embedding-8B',
        'Llama-Embed-Nemotron-8B',
        'E5-Mistral-7B',
        'Linq-Embed-Mistral',
      ]),
    );
  });
});

describe('the server’s embedding options and the in-process service (the CLI’s direct mode)', () => {
  it('reads EMBED_* from flags and the environment, and checks them', () => {
    const config = parseServerConfig(['--embed-batch-size', '8'], {
      EMBED_BASE_URL: 'http://gpu-box:8000',
      EMBED_API_KEY: 'k',
      EMBED_CONCURRENCY: '3',
    });
    expect(config).toMatchObject({
      embedBaseUrl: 'http://gpu-box:8000',
      embedApiKey: 'k',
      embedBatchSize: 8,
      embedConcurrency: 3,
    });
    expect(parseServerConfig([], {})).toMatchObject({ embedBatchSize: 32, embedConcurrency: 8 });
    expect(() => parseServerConfig([], { EMBED_BASE_URL: 'gpu-box:8000' })).toThrow(/EMBED_BASE_URL must be/);
    expect(() => parseServerConfig([], { EMBED_BATCH_SIZE: '0' })).toThrow(/EMBED_BATCH_SIZE/);
  });

  it('stops upstream calls at once when the caller cancels', async () => {
    const service = ProxyEmbeddingService.fromConfig(configFor({ cacheDir: undefined }));
    try {
      upstream.plan = () => 'hang';
      const controller = new AbortController();
      const pending = service.embed({ model: 'm', texts: [uniq('a')], kind: 'query' }, controller.signal);
      setTimeout(() => controller.abort(new Error('Cancelled by the user')), 50);
      // Not the time-out (5 s, then retries): the cancellation itself ends the call.
      await expect(pending).rejects.toThrow(/Cancelled by the user/);
      expect(upstream.requests.length).toBe(1);
    } finally {
      service.close();
    }
  });
});

describe('the embedding cache', () => {
  it('answers from the cache, also after a restart, by (model, templated text), and never caches a failure', async () => {
    const cacheDir = path.join(scratch, 'restart-cache');
    const request: RemoteEmbedRequest = {
      model: 'Linq-AI-Research/Linq-Embed-Mistral',
      texts: [uniq('loan rates'), uniq('car loans'), uniq('weather')],
      kind: 'document',
    };
    let server = await startTestServer(configFor({ cacheDir }));
    try {
      const first = await embed(server.url, request);
      expect(first.cached).toBe(0);
      const again = await embed(server.url, request);
      expect(again.cached).toBe(3);
      expect(Array.from(again.vectors!)).toEqual(Array.from(first.vectors!));
      expect(upstream.inputs.length).toBe(3);
    } finally {
      await server.app.close();
    }
    server = await startTestServer(configFor({ cacheDir }));
    try {
      const afterRestart = await embed(server.url, request);
      expect(afterRestart.cached).toBe(3);
      expect(upstream.inputs.length).toBe(3);
      // The same texts as queries are other templated texts; another model is another key.
      const asQueries = await embed(server.url, { ...request, kind: 'query' });
      expect(asQueries.cached).toBe(0);
      const otherModel = await embed(server.url, {
        ...request,
        model: 'LiteLLM/Linq-AI-Research/Linq-Embed-Mistral',
      });
      expect(otherModel.cached).toBe(0);
      expect(upstream.inputs.length).toBe(9);
      // A failure is not cached: the next request asks again.
      const fresh = { ...request, texts: [uniq('new')] };
      upstream.plan = () => 'server_error';
      expect((await embed(server.url, fresh)).status).toBe(502);
      upstream.reset();
      const retried = await embed(server.url, fresh);
      expect(retried.status).toBe(200);
      expect(retried.cached).toBe(0);
      expect(upstream.inputs.length).toBe(1);
      const config = (await (await fetch(`${server.url}/api/embed/config`)).json()) as { cache: unknown };
      expect(config.cache).toEqual({ enabled: true, vectors: 10 });
    } finally {
      await server.app.close();
    }
  });

  it('asks the upstream once for a text that two requests need at the same time, or that appears twice', async () => {
    upstream.delayMs = 30;
    const texts = [uniq('shared'), uniq('also shared')];
    const [a, b] = await Promise.all([
      embed(main.url, { model: 'm', texts: [...texts, texts[0]], kind: 'document' }),
      embed(main.url, { model: 'm', texts, kind: 'document' }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(upstream.inputs.length).toBe(2);
    expectVectorsOf(a.vectors, [...texts, texts[0]]);
  });
});

describe('the texts the upstream embeds', () => {
  it('are the reference embedder’s: templated, then every newline a space (RemoteEmbedder over HTTP)', async () => {
    const golden = readReferenceGolden();
    const client = new RemoteEmbeddingHttpClient(main.url, (u, init) => fetch(u, init));
    const cache = new MemoryEmbeddingCache();
    for (const c of golden.embedded_queries) {
      upstream.reset();
      const embedder = new RemoteEmbedder('remote:Qwen/Qwen3-Embedding-8B', {
        service: client,
        instruction: golden.instructions[c.dataset].instruction,
        cache,
      });
      const vectors = await embedder.embedQueries([c.text]);
      expect(upstream.inputs).toEqual([c.embedded]);
      expect(Array.from(vectors.data)).toEqual(Array.from(pseudoEmbedding(c.embedded, DIMS)));
    }
    upstream.reset();
    const embedder = new RemoteEmbedder('remote:Qwen/Qwen3-Embedding-8B', { service: client, cache });
    await embedder.embedDocuments(golden.embedded_documents.map((d) => d.text));
    expect(upstream.inputs).toEqual(golden.embedded_documents.map((d) => d.embedded));
    // The local cache is keyed by the text embedded: the same text without its newlines is found there.
    upstream.reset();
    await embedder.embedDocuments(golden.embedded_documents.map((d) => d.embedded));
    expect(embedder.lastRun.cached).toBe(golden.embedded_documents.length);
    expect(upstream.inputs).toEqual([]);
  });

  it('keep their newlines for llama-embed-nemotron-8b, which the reference embeds with sentence-transformers', async () => {
    const golden = readReferenceGolden();
    const client = new RemoteEmbeddingHttpClient(main.url, (u, init) => fetch(u, init));
    const followIR = golden.embedded_queries.find((c) => c.dataset === 'FollowIR')!;
    const instruction = golden.instructions.FollowIR.instruction;
    upstream.reset();
    const embedder = new RemoteEmbedder('remote:nvidia/llama-embed-nemotron-8b', {
      service: client,
      instruction,
      cache: new MemoryEmbeddingCache(),
    });
    await embedder.embedQueries([followIR.text]);
    await embedder.embedDocuments(golden.embedded_documents.map((d) => d.text));
    expect(upstream.inputs).toEqual([
      `Instruct: ${instruction}\nQuery: ${followIR.text}`,
      ...golden.embedded_documents.map((d) => d.text),
    ]);
    expect(upstream.inputs[0].replaceAll('\n', ' ')).toBe(followIR.embedded);
  });
});

describe('a 50,000-document corpus through the server', () => {
  it('is embedded in chunks with progress, stopped, and resumed after a restart without redoing a chunk', async () => {
    const cacheDir = path.join(scratch, 'corpus-cache');
    const config = configFor({ cacheDir, embedBatchSize: 250 });
    const corpus = Array.from(
      { length: 50_000 },
      (_, i) => `document ${i} about topic ${i % 97} and subject ${i % 13} number${i}`,
    );
    const client = (url: string) => new RemoteEmbeddingHttpClient(url, (u, init) => fetch(u, init));

    let server = await startTestServer(config);
    const controller = new AbortController();
    const progress: number[] = [];
    try {
      const embedder = new RemoteEmbedder('remote:Qwen/Qwen3-Embedding-8B', {
        service: client(server.url),
        batchSize: 1000,
        concurrency: 1,
      });
      await expect(
        embedder.embedDocuments(corpus, {
          signal: controller.signal,
          onProgress: (e) => {
            progress.push(e.done);
            if (e.done >= 20_000) controller.abort(new Error('stopped by the test'));
          },
        }),
      ).rejects.toThrow(/stopped by the test/);
    } finally {
      await server.app.close();
    }
    expect(progress.at(-1)).toBe(20_000);
    expect(progress.every((d, i) => i === 0 || d > progress[i - 1])).toBe(true);
    const firstRun = upstream.inputs.length;
    expect(firstRun).toBe(20_000);

    server = await startTestServer(config);
    try {
      const embedder = new RemoteEmbedder('remote:Qwen/Qwen3-Embedding-8B', {
        service: client(server.url),
        batchSize: 1000,
      });
      const result = await embedder.embedDocuments(corpus, { onProgress: (e) => progress.push(e.done) });
      expect(progress.at(-1)).toBe(50_000);
      expect(result.rows).toBe(50_000);
      expect(result.cols).toBe(DIMS);
      expect(embedder.lastRun).toMatchObject({ unique: 50_000, embedded: 50_000, serverCached: 20_000 });
      // Every document went upstream exactly once over both runs.
      const sent = upstream.inputs;
      expect(sent.length).toBe(50_000);
      expect(new Set(sent).size).toBe(50_000);
      for (const i of [0, 19_999, 20_000, 49_999])
        expect(Array.from(result.data.subarray(i * DIMS, (i + 1) * DIMS))).toEqual(
          Array.from(pseudoEmbedding(corpus[i], DIMS)),
        );
    } finally {
      await server.app.close();
    }
  });
});
