import { upstreamConfigFromEnv } from '../../server/config';
import { ProxyLlmService } from '../../server/llm/proxyService';
import { Redactor } from '../../server/llm/redact';
import { TeacherCache } from '../../server/llm/teacherCache';
import { Upstream } from '../../server/llm/upstream';
import type { LlmService } from '../core/teachers/llmApi';
import { LlmHttpClient } from '../core/teachers/llmHttpClient';

/** How the CLI reaches LLMs: a running teacher proxy, or the proxy's own code in-process ("direct"). */
export interface LlmConnection {
  service: LlmService;
  /** For the log and config.json: the server URL, or "direct". */
  via: string;
  /** Fails early, with what to set, when `models` cannot be reached. */
  check(models: string[]): Promise<void>;
  close(): void;
}

/**
 * With `serverUrl`: the teacher proxy over HTTP. Without: the upstream called directly with BASE_URL,
 * API_KEY, OPENAI_API_KEY, CACHE_DIR, CONCURRENCY, TIMEOUT, RETRIES from `env`, sharing the server's scoring
 * code and cache.
 */
export function connectLlm(
  serverUrl: string | undefined,
  env: Record<string, string | undefined> = process.env,
): LlmConnection {
  if (serverUrl) return httpConnection(serverUrl);
  const config = upstreamConfigFromEnv(env);
  const redactor = new Redactor([config.apiKey, config.openaiApiKey, config.baseUrl]);
  const upstream = new Upstream(config, redactor, (message) =>
    process.stderr.write(`  warning: ${redactor.redact(message)}\n`),
  );
  const cache = config.cacheDir ? new TeacherCache(config.cacheDir) : null;
  const service = new ProxyLlmService(upstream, cache);
  return {
    service,
    via: 'direct',
    async check(models) {
      for (const model of models) {
        try {
          upstream.resolve(model);
        } catch (error) {
          throw new Error(
            `${(error as Error).message} (or pass --server-url to use a running teacher proxy)`,
            { cause: error },
          );
        }
      }
    },
    close: () => service.close(),
  };
}

interface ServerConfigAnswer {
  providers?: Record<'base_url' | 'openai', { configured?: boolean } | undefined>;
}

function httpConnection(serverUrl: string): LlmConnection {
  const service = new LlmHttpClient(serverUrl, (url, init) => fetch(url, init));
  return {
    service,
    via: serverUrl,
    async check(models) {
      let answer: ServerConfigAnswer;
      try {
        const response = await fetch(`${serverUrl}/api/config`);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        answer = (await response.json()) as ServerConfigAnswer;
      } catch (error) {
        throw new Error(
          `cannot reach the teacher server at ${serverUrl} (${(error as Error).message}): start it with ` +
            '"npm start" or fix --server-url',
          { cause: error },
        );
      }
      for (const model of models) {
        const openai = model.startsWith('OpenAI/');
        if (answer.providers?.[openai ? 'openai' : 'base_url']?.configured) continue;
        throw new Error(
          `the teacher server at ${serverUrl} has no upstream for model "${model}": restart it with ` +
            (openai
              ? 'OPENAI_API_KEY set'
              : 'BASE_URL set to an OpenAI-compatible server (and API_KEY if it needs one)'),
        );
      }
    },
    close: () => {},
  };
}
