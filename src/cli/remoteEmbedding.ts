import path from 'node:path';
import { upstreamConfigFromEnv } from '../../server/config';
import { ProxyEmbeddingService } from '../../server/llm/embeddingService';
import type { EmbedderSettings } from '../core/embedding/embedderFactory';
import type { RemoteEmbeddingService } from '../core/embedding/remoteEmbeddingApi';
import { RemoteEmbeddingHttpClient } from '../core/embedding/remoteEmbeddingHttpClient';
import { remoteModelName } from '../core/embedding/remoteModels';
import { EmbeddingFileCache } from './embeddingFileCache';
import type { EmbeddingCliOptions } from './embeddingOptions';

/** Open connections, one per way (server URL, or direct with or without its cache); closed at exit. */
const connections = new Map<string, RemoteEmbeddingService>();

/**
 * How the CLI reaches `remote:<model>` embeddings: with `serverUrl`, the app server's `/api/embed` over
 * HTTP; without, the server's own code in-process ("direct"), calling the upstream with EMBED_BASE_URL,
 * BASE_URL, EMBED_API_KEY, API_KEY, OPENAI_API_KEY, EMBED_BATCH_SIZE, EMBED_CONCURRENCY, TIMEOUT, RETRIES
 * and its SQLite cache in CACHE_DIR from `env` — the same code and cache file as the server.
 */
export function remoteEmbeddingService(
  serverUrl: string | undefined,
  useCache: boolean,
  env: Record<string, string | undefined> = process.env,
): RemoteEmbeddingService {
  const id = serverUrl ? `http ${serverUrl}` : `direct ${useCache}`;
  let service = connections.get(id);
  if (service) return service;
  if (serverUrl) service = new RemoteEmbeddingHttpClient(serverUrl, (url, init) => fetch(url, init));
  else {
    const direct = ProxyEmbeddingService.fromConfig(upstreamConfigFromEnv(env), {
      cache: useCache,
      warn: (message) => process.stderr.write(`\n  note: ${message}\n`),
    });
    process.once('exit', () => direct.close());
    service = direct;
  }
  connections.set(id, service);
  return service;
}

/**
 * The embedder settings of `remote:<model>` in Node. Through a server, vectors are also kept in
 * `<embedding-cache-dir>/embeddings`, so a re-run does not even send them; directly, the SQLite cache in
 * CACHE_DIR is the cache. Options that only local models have are refused rather than ignored; in direct
 * mode a model with no configured upstream fails here, with what to set.
 */
export function remoteEmbedderSettings(
  options: EmbeddingCliOptions,
  extra: { instruction?: string; serverUrl?: string } = {},
): EmbedderSettings {
  const model = remoteModelName(options.model);
  const local = [
    ['--pooling', options.pooling],
    ['--max-length', options.maxLength],
    ['--embedding-revision', options.revision],
  ].filter(([, value]) => value !== undefined);
  if (local.length)
    throw new Error(
      `${local.map(([flag]) => flag).join(', ')} cannot be used with ${options.model}: the embeddings server ` +
        'decides pooling, length and revision (set them where the model is served, e.g. vLLM --max-model-len)',
    );
  const service = remoteEmbeddingService(extra.serverUrl, options.useCache);
  if (service instanceof ProxyEmbeddingService) {
    try {
      service.resolve(model);
    } catch (error) {
      throw new Error(
        `${(error as Error).message} (or pass --server-url to use a running app server, "npm start")`,
        { cause: error },
      );
    }
  }
  return {
    remote: service,
    instruction: options.instruction ?? extra.instruction,
    queryTemplate: options.queryTemplate,
    documentTemplate: options.documentTemplate,
    batchSize: options.batchSize,
    cache:
      extra.serverUrl && options.useCache
        ? new EmbeddingFileCache(path.join(options.cacheDir, 'embeddings'))
        : undefined,
  };
}
