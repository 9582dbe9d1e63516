import { hashString } from '../../src/core/hash';
import type { ServerResponse } from 'node:http';
import { FakeHttpUpstream, sendJson } from './fakeHttpUpstream';

/**
 * A stand-in embeddings upstream for tests: a real HTTP server on 127.0.0.1 that speaks OpenAI's
 * `POST /v1/embeddings` (`{model, input, encoding_format}` → `{object: "list", data: [{object: "embedding",
 * embedding, index}], model, usage}`, floats or base64 float32) and can be told to misbehave. Its vectors
 * are deterministic hashed bags of words (`pseudoEmbedding`), so that retrieval with them is meaningful:
 * texts that share words are close.
 */

export type EmbeddingBehavior =
  | 'answer'
  /** HTTP 429 with Retry-After: 0. */
  | 'rate_limit'
  | 'server_error'
  /** Never answers. */
  | 'hang'
  /** One vector fewer than texts. */
  | 'wrong_count'
  /** Every vector one dimension short. */
  | 'wrong_dims'
  /** The last vector one dimension short (mixed widths in one reply). */
  | 'mixed_dims'
  /** HTTP 401 whose message echoes the key it was sent (as OpenAI does, partly masked). */
  | 'bad_key'
  /** HTTP 200, body not JSON. */
  | 'malformed'
  /** The data in reverse order, each with its index (clients must sort by index). */
  | 'shuffled';

export interface EmbeddingRequestBody {
  model: string;
  input: string[];
  encoding_format?: string;
}

export class FakeEmbeddingUpstream extends FakeHttpUpstream<EmbeddingRequestBody, EmbeddingBehavior> {
  /** Width of the vectors. */
  dims = 64;
  /** More inputs than this per request get TEI's 413 ("batch size N > maximum allowed batch size M"). */
  maxBatch = Infinity;
  /** Refuse `encoding_format: "base64"` with a 400 (servers that only send floats). */
  refuseBase64 = false;

  constructor(options: { dims?: number } = {}) {
    super('/embeddings', 'embeddings upstream');
    if (options.dims) this.dims = options.dims;
  }

  /** Every text the upstream was asked to embed, over all requests. */
  get inputs(): string[] {
    return this.requests.flatMap((r) => r.body.input);
  }

  override reset(): void {
    super.reset();
    this.maxBatch = Infinity;
    this.refuseBase64 = false;
  }

  protected respond(
    res: ServerResponse,
    behavior: EmbeddingBehavior,
    body: EmbeddingRequestBody,
    authorization: string | undefined,
  ): void {
    const input = Array.isArray(body.input) ? body.input : [String(body.input)];
    if (input.length > this.maxBatch)
      return sendJson(res, 413, {
        error: `batch size ${input.length} > maximum allowed batch size ${this.maxBatch}`,
        error_type: 'Validation',
      });
    if (this.refuseBase64 && body.encoding_format === 'base64')
      return sendJson(res, 400, {
        error: { message: "encoding_format 'base64' is not supported", type: 'invalid_request_error' },
      });
    if (this.sendStagedFailure(res, behavior, authorization)) return;
    if (behavior === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"object": "list", "data": [ {"embedding": ');
      return;
    }
    let vectors = input.map((text) => pseudoEmbedding(text, this.dims));
    if (behavior === 'wrong_count') vectors = vectors.slice(0, -1);
    if (behavior === 'wrong_dims') vectors = vectors.map((v) => v.slice(0, -1));
    if (behavior === 'mixed_dims') vectors[vectors.length - 1] = vectors[vectors.length - 1].slice(0, -1);
    let data = vectors.map((v, index) => ({
      object: 'embedding',
      index,
      embedding:
        body.encoding_format === 'base64'
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
          : Array.from(v),
    }));
    if (behavior === 'shuffled') data = data.reverse();
    const tokens = input.reduce((n, t) => n + t.split(/\s+/).length, 0);
    return sendJson(res, 200, {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }
}

/** The words of a text as the stand-in sees them: lower-case runs of letters and digits, 2 or more long. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]{2,}/g) ?? [];
}

/**
 * A deterministic pseudo-embedding: each word of the text (after an `Instruct: …\nQuery:` prefix, which would
 * otherwise make every query alike) adds ±1 to one of `dims` buckets chosen by its hash; L2-normalised.
 * Texts that share words get a high cosine, as with a real model.
 */
export function pseudoEmbedding(text: string, dims: number): Float32Array {
  const body = text.replace(/^Instruct: [\s\S]*?\nQuery: ?/, '');
  const v = new Float32Array(dims);
  for (const word of words(body)) {
    const h = hashString(word);
    v[h % dims] += h & 0x80000000 ? 1 : -1;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm === 0) {
    v[hashString(text) % dims] = 1;
    return v;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dims; i++) v[i] *= scale;
  return v;
}
