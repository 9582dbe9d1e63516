import { throwIfAborted } from '../progress';
import { decodeEmbeddings, embeddingsFromJson } from './embeddingWire';
import {
  EMBEDDINGS_MEDIA_TYPE,
  RemoteEmbeddingError,
  type RemoteEmbeddingService,
  type RemoteEmbedRequest,
  type RemoteEmbedResult,
} from './remoteEmbeddingApi';

/** The `fetch` the client uses, passed in (the engine never reaches the network by itself). */
export type EmbedFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * `POST <server>/api/embed` over HTTP, answered in the binary format. `serverUrl` is the server's origin
 * (`http://127.0.0.1:8787`), or '' for the page's own origin in the browser.
 */
export class RemoteEmbeddingHttpClient implements RemoteEmbeddingService {
  readonly via: string;
  private readonly base: string;

  constructor(
    serverUrl: string,
    private readonly fetchFn: EmbedFetch,
  ) {
    this.base = serverUrl.replace(/\/+$/, '');
    this.via = this.base || 'this page’s server';
  }

  async embed(request: RemoteEmbedRequest, signal?: AbortSignal): Promise<RemoteEmbedResult> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}/api/embed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: EMBEDDINGS_MEDIA_TYPE },
        body: JSON.stringify(request),
        signal,
      });
    } catch (error) {
      throwIfAborted(signal);
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new RemoteEmbeddingError(
        `cannot reach the embedding server at ${this.via} (${describe(cause)}): start it with "npm start" ` +
          '(docs/embedding-models.md) or give the URL of a running one',
        0,
      );
    }
    const type = response.headers.get('content-type') ?? '';
    let bytes: ArrayBuffer;
    try {
      bytes = await response.arrayBuffer();
    } catch (error) {
      throwIfAborted(signal);
      throw new RemoteEmbeddingError(`the embedding server's answer broke off (${describe(error)})`, 0);
    }
    if (!response.ok) {
      let message = `HTTP ${response.status} ${response.statusText}`;
      try {
        const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { message?: unknown; error?: unknown };
        message = String(parsed.message ?? parsed.error ?? message);
      } catch {
        // not JSON: keep the status line
      }
      throw new RemoteEmbeddingError(`embedding server: ${message}`, response.status);
    }
    let result: RemoteEmbedResult;
    try {
      result = type.startsWith(EMBEDDINGS_MEDIA_TYPE)
        ? decodeEmbeddings(bytes)
        : embeddingsFromJson(JSON.parse(new TextDecoder().decode(bytes)));
    } catch (error) {
      throw new RemoteEmbeddingError(
        `the server at ${this.via} did not answer /api/embed as the embedding server does ` +
          `(${describe(error)}); check that the server URL points at "npm start"`,
        502,
      );
    }
    if (result.count !== request.texts.length)
      throw new RemoteEmbeddingError(
        `the embedding server sent ${result.count} vectors for ${request.texts.length} texts`,
        502,
      );
    return result;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
