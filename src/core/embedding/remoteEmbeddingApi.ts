/**
 * The contract of remote embeddings: what `POST /api/embed` takes and returns. The server implements
 * `RemoteEmbeddingService` by calling an OpenAI-compatible `/v1/embeddings` upstream (with its cache); the
 * engine reaches it through `RemoteEmbeddingHttpClient`, or (CLI in Node, "direct") calls the server's
 * implementation in-process. Vectors travel as float32, never as JSON numbers (see `embeddingWire.ts`).
 */

export const EMBED_KINDS = ['query', 'document'] as const;
/** Which template applies: the model's query template (with the instruction) or its document template. */
export type EmbedKind = (typeof EMBED_KINDS)[number];

export interface RemoteEmbedRequest {
  /** `OpenAI/<model>`, `LiteLLM/<model>` or a bare name (the EMBED_BASE_URL or BASE_URL server's). */
  model: string;
  /** The raw texts; the server applies the template, then makes newlines spaces (`embedderInput`). */
  texts: string[];
  kind: EmbedKind;
  /** Fills `{instruction}` in a query template; default "Given a query, retrieve relevant documents". */
  instruction?: string;
  /** Instead of the model's registered template for `kind` (`{text}` sends texts as they are). */
  template?: string;
}

export interface RemoteEmbedResult {
  /** Row-major, `count` × `dims`, one row per text in request order. */
  vectors: Float32Array;
  count: number;
  dims: number;
  /** Texts whose vectors came from the server's cache. */
  cached: number;
}

/** What both the server (in-process) and the engine's HTTP client offer. */
export interface RemoteEmbeddingService {
  /** For messages and config.json: the server URL, or "direct". */
  readonly via: string;
  embed(request: RemoteEmbedRequest, signal?: AbortSignal): Promise<RemoteEmbedResult>;
}

/** Bounds of one request; the server refuses larger ones with 400 (or 413 for the body size). */
export const EMBED_LIMITS = {
  maxModelChars: 200,
  /** Texts per request (clients send a large corpus in chunks; the server splits them further upstream). */
  maxTexts: 4096,
  maxTextChars: 1_000_000,
  maxInstructionChars: 20_000,
  maxTemplateChars: 20_000,
  /** All texts of one request together. */
  maxTotalChars: 32_000_000,
} as const;

/** The media type of the binary answer (`embeddingWire.ts`); anything else gets JSON with base64. */
export const EMBEDDINGS_MEDIA_TYPE = 'application/octet-stream';

/** A failed embedding request, with the HTTP status the server answered (0: the server was not reached). */
export class RemoteEmbeddingError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RemoteEmbeddingError';
  }
}
