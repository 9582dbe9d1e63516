import { describe, expect, it } from 'vitest';
import { createEmbedder } from './embedderFactory';
import { MemoryEmbeddingCache } from './embeddingCache';
import type { RemoteEmbeddingService, RemoteEmbedRequest, RemoteEmbedResult } from './remoteEmbeddingApi';
import { RemoteEmbedder } from './remoteEmbedder';
import { findRemoteModel, remoteModelName, remoteTemplates, REMOTE_EMBEDDING_MODELS } from './remoteModels';
import { embedderInput, FALLBACK_INSTRUCTION, validateTemplate } from './templates';

/** A service in memory, templating as the server does: a vector per embedded text from its characters. */
class FakeService implements RemoteEmbeddingService {
  readonly via = 'fake';
  readonly requests: RemoteEmbedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failOn: ((n: number) => Error | undefined) | undefined;
  dims = 4;

  async embed(request: RemoteEmbedRequest, signal?: AbortSignal): Promise<RemoteEmbedResult> {
    const n = this.requests.push(request) - 1;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (signal?.aborted) throw signal.reason;
      const failure = this.failOn?.(n);
      if (failure) throw failure;
      const template = request.template ?? '{text}';
      const out = new Float32Array(request.texts.length * this.dims);
      request.texts.forEach((t, r) =>
        out.set(vectorOf(embedderInput(template, t, request.instruction ?? ''), this.dims), r * this.dims),
      );
      return { vectors: out, count: request.texts.length, dims: this.dims, cached: 0 };
    } finally {
      this.inFlight--;
    }
  }
}

function vectorOf(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < text.length; i++) v[i % dims] += text.charCodeAt(i);
  return v;
}

describe('remote model registry', () => {
  it('knows the paper’s large models by name, Hub id, or a gateway’s longer name, with their templates', () => {
    for (const name of [
      'Qwen3-Embedding-8B',
      'Llama-Embed-Nemotron-8B',
      'E5-Mistral-7B',
      'Linq-Embed-Mistral',
    ])
      expect(findRemoteModel(name)?.templates.query).toBe('Instruct: {instruction}\nQuery: {text}');
    expect(findRemoteModel('LiteLLM/Qwen/Qwen3-Embedding-8B')?.name).toBe('Qwen3-Embedding-8B');
    expect(findRemoteModel('hosted_vllm/nvidia/llama-embed-nemotron-8b')?.name).toBe(
      'Llama-Embed-Nemotron-8B',
    );
    expect(findRemoteModel('intfloat/e5-mistral-7b-instruct')?.dims).toBe(4096);
    expect(findRemoteModel('OpenAI/text-embedding-3-small')?.templates).toEqual({
      query: '{text}',
      document: '{text}',
    });
    expect(findRemoteModel('my-own-model')).toBeUndefined();
    for (const m of REMOTE_EMBEDDING_MODELS) {
      validateTemplate(m.templates.query, m.name);
      validateTemplate(m.templates.document, m.name);
    }
    expect(remoteTemplates('my-own-model')).toEqual({
      query: 'Instruct: {instruction}\nQuery: {text}',
      document: '{text}',
    });
    expect(remoteTemplates('Qwen3-Embedding-8B', { documentTemplate: 'passage: {text}' }).document).toBe(
      'passage: {text}',
    );
    expect(() => remoteTemplates('m', { queryTemplate: 'no text' })).toThrow(/must contain \{text\}/);
    expect(() => remoteModelName('remote:')).toThrow(/needs a model name after "remote:"/);
    expect(() => remoteModelName('remote:two words')).toThrow(/no spaces/);
  });
});

describe('RemoteEmbedder', () => {
  it('is what createEmbedder makes of remote:<model>, and needs a way to the server', () => {
    const service = new FakeService();
    const embedder = createEmbedder('remote:OpenAI/text-embedding-3-large', 0, { remote: service });
    expect(embedder).toBeInstanceOf(RemoteEmbedder);
    expect(embedder.id).toBe('remote:OpenAI/text-embedding-3-large');
    expect(() => createEmbedder('remote:m', 0)).toThrow(/runs on an embeddings server/);
  });

  it('sends each distinct text once, in chunks, with the kind, instruction and template, and keeps the order', async () => {
    const service = new FakeService();
    const embedder = new RemoteEmbedder('remote:Qwen/Qwen3-Embedding-8B', {
      service,
      batchSize: 3,
      concurrency: 2,
      instruction: 'Find intents',
    });
    const texts = ['a', 'b', 'a', 'c', 'd', 'e', 'f', 'g', 'b'];
    const progress: number[] = [];
    const out = await embedder.embedQueries(texts, { onProgress: (e) => progress.push(e.done) });
    expect(out.rows).toBe(9);
    expect(out.cols).toBe(4);
    expect(embedder.dims).toBe(4);
    expect(service.requests.map((r) => r.texts)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(service.requests[0]).toMatchObject({
      model: 'Qwen/Qwen3-Embedding-8B',
      kind: 'query',
      instruction: 'Find intents',
      template: 'Instruct: {instruction}\nQuery: {text}',
    });
    expect(service.maxInFlight).toBe(2);
    texts.forEach((t, r) =>
      expect(Array.from(out.data.subarray(r * 4, r * 4 + 4))).toEqual(
        Array.from(vectorOf(`Instruct: Find intents Query: ${t}`, 4)),
      ),
    );
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(9);
    expect(embedder.lastRun).toMatchObject({ texts: 9, unique: 7, cached: 0, embedded: 7 });

    await embedder.embedDocuments(['x']);
    expect(service.requests.at(-1)).toMatchObject({ kind: 'document', template: '{text}' });
    expect(embedder.templateQuery('q')).toBe('Instruct: Find intents Query: q');
    expect(embedder.templates).toEqual({
      query: 'Instruct: Find intents\nQuery: {text}',
      document: '{text}',
    });
    const plain = new RemoteEmbedder('remote:m', { service });
    expect(plain.templateQuery('q')).toBe(`Instruct: ${FALLBACK_INSTRUCTION} Query: q`);
  });

  it('stops between chunks when cancelled, and resumes from its local cache without resending a chunk', async () => {
    const service = new FakeService();
    const cache = new MemoryEmbeddingCache();
    const corpus = Array.from({ length: 1000 }, (_, i) => `document ${i}`);
    const controller = new AbortController();
    const first = new RemoteEmbedder('remote:m', { service, cache, batchSize: 100, concurrency: 1 });
    await expect(
      first.embedDocuments(corpus, {
        signal: controller.signal,
        onProgress: (e) => e.done >= 400 && controller.abort(new Error('Cancelled by the user')),
      }),
    ).rejects.toThrow(/Cancelled by the user/);
    expect(service.requests.length).toBe(4);
    expect(cache.size).toBe(400);

    const again = new RemoteEmbedder('remote:m', { service, cache, batchSize: 100 });
    const out = await again.embedDocuments(corpus);
    expect(service.requests.length).toBe(10);
    expect(service.requests.slice(4).flatMap((r) => r.texts)).toEqual(corpus.slice(400));
    expect(again.lastRun).toMatchObject({ cached: 400, embedded: 600 });
    expect(Array.from(out.data.subarray(0, 4))).toEqual(Array.from(vectorOf(corpus[0], 4)));
    // A third run sends nothing at all.
    await new RemoteEmbedder('remote:m', { service, cache }).embedDocuments(corpus);
    expect(service.requests.length).toBe(10);
  });

  it('says how far it got when a chunk fails, and refuses vectors of another width', async () => {
    const service = new FakeService();
    service.failOn = (n) =>
      n === 2 ? new Error('embedding server: the embeddings upstream failed: HTTP 500') : undefined;
    const embedder = new RemoteEmbedder('remote:m', { service, batchSize: 10, concurrency: 1 });
    const texts = Array.from({ length: 50 }, (_, i) => `t${i}`);
    await expect(embedder.embedDocuments(texts)).rejects.toThrow(
      /HTTP 500 \(20 of 50 texts were embedded before this and are cached: running again resumes/,
    );
    service.failOn = undefined;
    await embedder.embedDocuments(['fine']);
    service.dims = 5;
    await expect(embedder.embedDocuments(['wider'])).rejects.toThrow(
      /5-dimensional vectors, but 4 were expected/,
    );
  });
});
