import { throwIfAborted } from '../progress';
import {
  LlmServiceError,
  type GenerateRequest,
  type GenerateResponse,
  type JudgeRequest,
  type JudgeResponse,
  type LlmService,
} from './llmApi';

/** The `fetch` the client uses, passed in (the engine never reaches the network by itself). */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/**
 * The teacher proxy over HTTP: `POST <server>/api/judge` and `/api/generate`. `serverUrl` is the server's
 * origin (`http://127.0.0.1:8787`), or '' for the page's own origin in the browser.
 */
export class LlmHttpClient implements LlmService {
  private readonly base: string;

  constructor(
    serverUrl: string,
    private readonly fetchFn: FetchFunction,
  ) {
    this.base = serverUrl.replace(/\/+$/, '');
  }

  judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeResponse> {
    return this.post<JudgeResponse>('/api/judge', request, signal, (body) => {
      const r = body as Partial<JudgeResponse>;
      return (
        Array.isArray(r.scores) && Array.isArray(r.errors) && r.scores.length === request.documents.length
      );
    });
  }

  generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResponse> {
    const count = (request.prompts ?? request.queries ?? []).length;
    return this.post<GenerateResponse>('/api/generate', request, signal, (body) => {
      const r = body as Partial<GenerateResponse>;
      return Array.isArray(r.texts) && Array.isArray(r.errors) && r.texts.length === count;
    });
  }

  private where(): string {
    return this.base || 'this page’s origin';
  }

  private async post<T>(
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    isValid: (body: unknown) => boolean,
  ): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throwIfAborted(signal);
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause : error) : error;
      throw new Error(
        `cannot reach the teacher server at ${this.where()} (${describe(cause)}): start it with ` +
          '"npm start" (docs/teachers-and-proxy.md) or give the URL of a running one',
        { cause: error },
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const message =
        (parsed as { message?: unknown } | undefined)?.message ??
        (parsed as { error?: unknown } | undefined)?.error ??
        `HTTP ${response.status} ${response.statusText}`;
      throw new LlmServiceError(`teacher server: ${String(message)}`, response.status);
    }
    if (parsed === undefined || !isValid(parsed))
      throw new Error(
        `the server at ${this.where()} did not answer ${path} as the teacher server does; ` +
          'check that the server URL points at the teacher proxy ("npm start")',
      );
    return parsed as T;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
