import { readFileSync } from 'node:fs';
import { LLM_LIMITS } from '../../src/core/teachers/llmApi';
import type { RouteModule } from '../app';
import { publicUrl } from '../llm/redact';

const started = Date.now();
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** `GET /api/health` (is it up) and `GET /api/config` (what is configured: never a key). */
export const healthRoutes: RouteModule = (app, { config, cache }) => {
  app.get('/api/health', async () => ({
    ok: true,
    service: 'refinement-explorer',
    version,
    uptime_s: Math.round((Date.now() - started) / 1000),
  }));

  app.get('/api/config', async () => ({
    providers: {
      // `LiteLLM/<model>` and bare model names.
      base_url: {
        configured: Boolean(config.baseUrl),
        url: publicUrl(config.baseUrl),
        key: Boolean(config.apiKey),
      },
      // `OpenAI/<model>`.
      openai: {
        configured: Boolean(config.openaiApiKey),
        url: publicUrl(config.openaiBaseUrl),
        key: Boolean(config.openaiApiKey),
      },
    },
    concurrency: config.concurrency,
    timeout_s: config.timeoutMs / 1000,
    retries: config.retries,
    thinking: config.thinking,
    cache: cache ? { enabled: true, ...cache.counts() } : { enabled: false },
    data: { configured: Boolean(config.dataDir) },
    limits: LLM_LIMITS,
  }));
};
