import path from 'node:path';
import { parseArgs } from 'node:util';
import { publicUrl } from './llm/redact';
import { THINKING_MODES, type ThinkingMode } from '../src/core/teachers/llmApi';

/** Everything the server and the CLI's direct mode need to reach the upstream LLMs. */
export interface UpstreamConfig {
  /** OpenAI-compatible server for `LiteLLM/<model>` and bare model names (LiteLLM, vLLM, llama.cpp, Ollama). */
  baseUrl?: string;
  apiKey?: string;
  /** For `OpenAI/<model>`. */
  openaiApiKey?: string;
  openaiBaseUrl: string;
  /** Upstream calls in flight at once, over all requests. */
  concurrency: number;
  /** Per upstream call. */
  timeoutMs: number;
  /**
   * Per teacher-proxy request, over all its upstream calls and their retries: what is not done by then is
   * given up, so that one request to a hung upstream cannot hold the shared concurrency slots for minutes.
   */
  requestTimeoutMs: number;
  /** Retries of a call that failed with 429, 5xx, a time-out, a connection error or a malformed reply. */
  retries: number;
  /** First retry delay; doubles each retry (with jitter), unless the upstream sends Retry-After. */
  retryDelayMs: number;
  /** The thinking switch of requests that name none (`ThinkingMode`; see upstream.ts). */
  thinking: ThinkingMode;
  /** SQLite cache folder; undefined: no cache. */
  cacheDir?: string;
  /** OpenAI-compatible server for remote embeddings of `LiteLLM/<model>` and bare names; default baseUrl. */
  embedBaseUrl?: string;
  /** Its key; without it, apiKey when the embeddings server has BASE_URL's origin (see embeddingUpstream.ts). */
  embedApiKey?: string;
  /** Texts per upstream embeddings call (lowered automatically when the upstream says its limit). */
  embedBatchSize: number;
  /** Upstream embeddings calls in flight at once. */
  embedConcurrency: number;
}

export interface ServerConfig extends UpstreamConfig {
  port: number;
  host: string;
  /**
   * Host names (beyond localhost, 127.0.0.1, [::1] and `host`) that requests may name in their Host and
   * Origin headers; anything else is refused (DNS rebinding, see hostCheck.ts).
   */
  allowedHosts: string[];
  /** The model mirror's folder, served at /hf/ (see routes/modelMirror.ts). */
  modelsDir: string;
  /** Served read-only at /data/* (the browser loads shared datasets from it); undefined: /data answers 404. */
  dataDir?: string;
  /** Finished runs (the CLI's output folders), listed at /api/runs and served read-only at /runs/*. */
  runsDir: string;
  /** The built app (`vite build`), served at /. */
  distDir: string;
  /** Fastify's (pino) log level; 'silent' in tests. */
  logLevel: string;
  /** `npm start` builds the app first when distDir has no index.html. */
  build: boolean;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_CACHE_DIR = '.cache/teacher';

export const SERVER_USAGE = `Usage: npm start -- [options]

Serves the built app, the teacher proxy (/api/*) and a local data folder (/data/*). Every option can also be
given as the environment variable in brackets (keys are best given that way).

  --port N             [PORT]            default ${DEFAULT_PORT} (0: any free port)
  --host ADDR          [HOST]            default 127.0.0.1 (only this machine can connect)
  --allowed-hosts LIST [ALLOWED_HOSTS]   comma-separated host names the browser may use to reach the
                                         server besides localhost, 127.0.0.1, [::1] and HOST
  --base-url URL       [BASE_URL]        OpenAI-compatible server for LiteLLM/<model> and bare model names
                                         (LiteLLM, vLLM, llama.cpp, Ollama; "/v1" is appended when missing)
  --api-key KEY        [API_KEY]         its key, if it needs one
  --openai-api-key KEY [OPENAI_API_KEY]  for OpenAI/<model>
  --openai-base-url U  [OPENAI_BASE_URL] default https://api.openai.com/v1
  --cache-dir DIR      [CACHE_DIR]       SQLite caches of scores, passages, embeddings (default ${DEFAULT_CACHE_DIR})
  --no-cache                             no cache
  --data-dir DIR       [DATA_DIR]        folder served read-only at /data/ (default: none)
  --runs-dir DIR       [RUNS_DIR]        run folders listed at /api/runs, served at /runs/ (default output)
  --models-dir DIR     [MODELS_DIR]      model folders served read-only at /hf/ (default models)
  --dist-dir DIR       [DIST_DIR]        the built app (default dist)
  --concurrency N      [CONCURRENCY]     upstream calls in flight (default 30)
  --timeout S          [TIMEOUT]         seconds per upstream call (default 60)
  --request-timeout S  [REQUEST_TIMEOUT] seconds per /api request, retries included (default 300)
  --retries N          [RETRIES]         retries on 429, 5xx, time-outs, connection errors (default 3)
  --retry-delay-ms N   [RETRY_DELAY_MS]  first retry delay, doubled each time (default 500)
  --thinking MODE      [THINKING]        thinking switch for requests that name none: reference (default:
                                         enable_thinking false for model names with "Qwen"), off (all), on
  --embed-base-url URL [EMBED_BASE_URL]  OpenAI-compatible embeddings server for remote:<model> embeddings
                                         (vLLM, text-embeddings-inference, LiteLLM; default BASE_URL)
  --embed-api-key KEY  [EMBED_API_KEY]   its key (default API_KEY when it is the same server as BASE_URL)
  --embed-batch-size N [EMBED_BATCH_SIZE] texts per upstream embeddings call (default 32; lowered when the
                                         upstream says its limit)
  --embed-concurrency N [EMBED_CONCURRENCY] upstream embeddings calls in flight (default 8)
  --log-level LEVEL    [LOG_LEVEL]       info (default), warn, error, silent
  --no-build                             do not build the app when dist/ is missing
  -h, --help
`;

type Env = Record<string, string | undefined>;

/** The upstream part of the configuration from the environment alone (the CLI's direct mode). */
export function upstreamConfigFromEnv(env: Env = process.env): UpstreamConfig {
  return parseServerConfig([], env);
}

/** Parses flags, then the environment, then defaults. Throws an Error with a readable message. */
export function parseServerConfig(argv: string[], env: Env = process.env): ServerConfig & { help?: true } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'openai-api-key': { type: 'string' },
      'openai-base-url': { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'runs-dir': { type: 'string' },
      'models-dir': { type: 'string' },
      'dist-dir': { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'request-timeout': { type: 'string' },
      retries: { type: 'string' },
      'retry-delay-ms': { type: 'string' },
      thinking: { type: 'string' },
      'embed-base-url': { type: 'string' },
      'embed-api-key': { type: 'string' },
      'embed-batch-size': { type: 'string' },
      'embed-concurrency': { type: 'string' },
      'log-level': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}" (options start with --)`);
  const pick = (flag: string | undefined, name: string): string | undefined =>
    nonEmpty(flag) ?? nonEmpty(env[name]);

  const thinking = pick(values.thinking, 'THINKING') ?? 'reference';
  if (!(THINKING_MODES as readonly string[]).includes(thinking))
    throw new Error(`--thinking (THINKING) must be one of ${THINKING_MODES.join(', ')}, got "${thinking}"`);
  const baseUrl = pick(values['base-url'], 'BASE_URL');
  if (baseUrl !== undefined) checkUrl('BASE_URL', baseUrl);
  const openaiBaseUrl = pick(values['openai-base-url'], 'OPENAI_BASE_URL') ?? 'https://api.openai.com/v1';
  checkUrl('OPENAI_BASE_URL', openaiBaseUrl);
  const cacheDir = values['no-cache']
    ? undefined
    : (pick(values['cache-dir'], 'CACHE_DIR') ?? DEFAULT_CACHE_DIR);
  const dataDir = pick(values['data-dir'], 'DATA_DIR');
  const embedBaseUrl = pick(values['embed-base-url'], 'EMBED_BASE_URL');
  if (embedBaseUrl !== undefined) checkUrl('EMBED_BASE_URL', embedBaseUrl);

  return {
    ...(values.help ? { help: true as const } : {}),
    port: integer('--port (PORT)', pick(values.port, 'PORT'), DEFAULT_PORT, 0, 65535),
    host: pick(values.host, 'HOST') ?? '127.0.0.1',
    allowedHosts: (pick(values['allowed-hosts'], 'ALLOWED_HOSTS') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    baseUrl,
    apiKey: pick(values['api-key'], 'API_KEY'),
    openaiApiKey: pick(values['openai-api-key'], 'OPENAI_API_KEY'),
    openaiBaseUrl,
    cacheDir: cacheDir === undefined ? undefined : path.resolve(cacheDir),
    dataDir: dataDir === undefined ? undefined : path.resolve(dataDir),
    runsDir: path.resolve(pick(values['runs-dir'], 'RUNS_DIR') ?? 'output'),
    distDir: path.resolve(pick(values['dist-dir'], 'DIST_DIR') ?? 'dist'),
    modelsDir: path.resolve(pick(values['models-dir'], 'MODELS_DIR') ?? 'models'),
    concurrency: integer('--concurrency (CONCURRENCY)', pick(values.concurrency, 'CONCURRENCY'), 30, 1, 1000),
    timeoutMs: Math.round(
      1000 * number('--timeout (TIMEOUT)', pick(values.timeout, 'TIMEOUT'), 60, 0.001, 3600),
    ),
    requestTimeoutMs: Math.round(
      1000 *
        number(
          '--request-timeout (REQUEST_TIMEOUT)',
          pick(values['request-timeout'], 'REQUEST_TIMEOUT'),
          300,
          0.001,
          86_400,
        ),
    ),
    retries: integer('--retries (RETRIES)', pick(values.retries, 'RETRIES'), 3, 0, 20),
    retryDelayMs: integer(
      '--retry-delay-ms (RETRY_DELAY_MS)',
      pick(values['retry-delay-ms'], 'RETRY_DELAY_MS'),
      500,
      0,
      60_000,
    ),
    thinking: thinking as ThinkingMode,
    embedBaseUrl,
    embedApiKey: pick(values['embed-api-key'], 'EMBED_API_KEY'),
    embedBatchSize: integer(
      '--embed-batch-size (EMBED_BATCH_SIZE)',
      pick(values['embed-batch-size'], 'EMBED_BATCH_SIZE'),
      32,
      1,
      4096,
    ),
    embedConcurrency: integer(
      '--embed-concurrency (EMBED_CONCURRENCY)',
      pick(values['embed-concurrency'], 'EMBED_CONCURRENCY'),
      8,
      1,
      1000,
    ),
    logLevel: pick(values['log-level'], 'LOG_LEVEL') ?? 'info',
    build: !values['no-build'],
  };
}

function checkUrl(name: string, text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name} must be a URL such as http://127.0.0.1:4000 (got something else)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${name} must be an http:// or https:// URL`);
}

function number(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  const value = number(name, text, fallback, min, max);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got "${text}"`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** One line per provider, without keys or URL credentials. */
export function describeUpstreams(config: ServerConfig): string {
  const lines = [
    config.baseUrl
      ? `  LLM models (LiteLLM/<model> or bare): ${publicUrl(config.baseUrl)}${config.apiKey ? ' with API_KEY' : ''}`
      : '  LLM models (LiteLLM/<model> or bare): not configured (set BASE_URL, and API_KEY if needed)',
    config.openaiApiKey
      ? `  OpenAI/<model>: ${publicUrl(config.openaiBaseUrl)} with OPENAI_API_KEY`
      : '  OpenAI/<model>: not configured (set OPENAI_API_KEY)',
    config.embedBaseUrl
      ? `  embeddings (remote:<model>, LiteLLM/ or bare): ${publicUrl(config.embedBaseUrl)}${config.embedApiKey ? ' with EMBED_API_KEY' : ''}`
      : `  embeddings (remote:<model>, LiteLLM/ or bare): ${config.baseUrl ? 'the LLM server above' : 'not configured (set EMBED_BASE_URL or BASE_URL)'}`,
    `  cache: ${config.cacheDir ?? 'off'}; data folder at /data/: ${config.dataDir ?? 'none (set DATA_DIR)'}`,
    `  finished runs at /runs/ (RUNS_DIR): ${config.runsDir}`,
  ];
  return `${lines.join('\n')}\n`;
}
