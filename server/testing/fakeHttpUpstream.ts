import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the stand-in upstreams for tests share: a real HTTP server on 127.0.0.1 that takes JSON POSTs on one
 * route, records them, lets a test plan each one's behavior (`hang`: never answer), counts the requests in
 * flight, and stages the failures that OpenAI-compatible servers have alike.
 */

export interface RecordedRequest<Body> {
  body: Body;
  authorization: string | undefined;
  path: string;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

export abstract class FakeHttpUpstream<Body, Behavior extends string> {
  readonly requests: RecordedRequest<Body>[] = [];
  /** Decides each request's behavior; `n` counts requests from 0. */
  plan: (body: Body, n: number) => Behavior | 'answer' = () => 'answer';
  /** Delay before every answer, so that concurrent requests overlap. */
  delayMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Requests so far. */
  protected count = 0;
  private server: Server | undefined;

  /** `route`: the end of the one path served; `name`: what it stands in for, for errors. */
  constructor(
    private readonly route: string,
    private readonly name: string,
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error(`the stand-in ${this.name} is not started`);
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.count = 0;
    this.maxInFlight = 0;
    this.plan = () => 'answer';
    this.delayMs = 0;
  }

  /** Answers a recorded request as `behavior` says (never `hang`: that is handled before). */
  protected abstract respond(
    res: ServerResponse,
    behavior: Behavior | 'answer',
    body: Body,
    authorization: string | undefined,
  ): void;

  /**
   * Answers `behavior` when it is a failure staged alike for every upstream (`rate_limit`: HTTP 429 with
   * Retry-After: 0; `server_error`: HTTP 500; `bad_key`: HTTP 401 echoing the key); else false.
   */
  protected sendStagedFailure(
    res: ServerResponse,
    behavior: Behavior | 'answer',
    authorization: string | undefined,
  ): boolean {
    switch (behavior) {
      case 'rate_limit':
        sendJson(
          res,
          429,
          { error: { message: 'Rate limit reached', type: 'rate_limit' } },
          { 'retry-after': '0' },
        );
        return true;
      case 'server_error':
        sendJson(res, 500, { error: { message: 'The server had an error while processing your request' } });
        return true;
      case 'bad_key': {
        const key = (authorization ?? '').replace(/^Bearer\s+/, '');
        sendJson(res, 401, {
          error: {
            message: `Incorrect API key provided: ${key.slice(0, 8)}****${key.slice(-4)}. (You sent ${key}.)`,
            type: 'invalid_request_error',
          },
        });
        return true;
      }
      default:
        return false;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || !req.url?.endsWith(this.route))
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
    const authorization = req.headers.authorization;
    this.requests.push({ body, authorization, path: req.url });
    const behavior = this.plan(body, this.count++);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (behavior === 'hang') {
        await new Promise<void>((resolve) => res.once('close', resolve));
        return;
      }
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      this.respond(res, behavior, body, authorization);
    } finally {
      this.inFlight--;
    }
  }
}
