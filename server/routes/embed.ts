import { z } from 'zod';
import { embeddingsToJson, encodeEmbeddings } from '../../src/core/embedding/embeddingWire';
import {
  EMBED_KINDS,
  EMBED_LIMITS,
  EMBEDDINGS_MEDIA_TYPE,
  type RemoteEmbedRequest,
} from '../../src/core/embedding/remoteEmbeddingApi';
import { REMOTE_EMBEDDING_MODELS } from '../../src/core/embedding/remoteModels';
import type { RouteModule } from '../app';
import { ProxyEmbeddingService } from '../llm/embeddingService';
import { publicUrl } from '../llm/redact';
import { modelName } from './judge';
import { requestSignal } from './requestSignal';
import { parseBody } from './validation';

const EmbedBody: z.ZodType<RemoteEmbedRequest> = z
  .strictObject({
    model: modelName,
    texts: z.array(z.string().max(EMBED_LIMITS.maxTextChars)).min(1).max(EMBED_LIMITS.maxTexts),
    kind: z.enum(EMBED_KINDS),
    instruction: z.string().max(EMBED_LIMITS.maxInstructionChars).optional(),
    template: z.string().min(1).max(EMBED_LIMITS.maxTemplateChars).optional(),
  })
  .refine((body) => body.texts.reduce((n, t) => n + t.length, 0) <= EMBED_LIMITS.maxTotalChars, {
    path: ['texts'],
    message: `at most ${EMBED_LIMITS.maxTotalChars} characters in all; send the texts in smaller chunks`,
  });

/**
 * `POST /api/embed {model, texts[], kind: "query"|"document", instruction?, template?}`: one float32 vector
 * per text from an OpenAI-compatible embeddings upstream, cached. The answer is binary
 * (`application/octet-stream`, see src/core/embedding/embeddingWire.ts) when the client accepts it, else
 * JSON with the floats in base64. `GET /api/embed/config`: what is configured (never a key).
 */
export const embedRoutes: RouteModule = (app, { config }) => {
  const service = ProxyEmbeddingService.fromConfig(config, {
    via: 'server',
    warn: (message) => app.log.warn(message),
  });
  app.addHook('preClose', async () => service.cancel());
  app.addHook('onClose', async () => service.close());

  app.post('/api/embed', async (request, reply) => {
    const body = parseBody(EmbedBody, request.body);
    // The client going away, or its time budget (REQUEST_TIMEOUT), cancels the batches only it waits for.
    const result = await service.embed(body, requestSignal(reply, config.requestTimeoutMs, 'texts'));
    reply.header('x-embedding-count', String(result.count));
    reply.header('x-embedding-dims', String(result.dims));
    reply.header('x-embedding-cached', String(result.cached));
    if ((request.headers.accept ?? '').includes(EMBEDDINGS_MEDIA_TYPE)) {
      const bytes = encodeEmbeddings(result);
      return reply
        .type(EMBEDDINGS_MEDIA_TYPE)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    return embeddingsToJson(result);
  });

  app.get('/api/embed/config', async () => {
    const embedUrl = config.embedBaseUrl ?? config.baseUrl;
    return {
      providers: {
        // `LiteLLM/<model>` and bare model names.
        base_url: {
          configured: Boolean(embedUrl),
          url: publicUrl(embedUrl),
          separate: Boolean(config.embedBaseUrl),
          key: Boolean(config.embedApiKey) || (Boolean(config.apiKey) && !config.embedBaseUrl),
        },
        // `OpenAI/<model>`.
        openai: {
          configured: Boolean(config.openaiApiKey),
          url: publicUrl(config.openaiBaseUrl),
          key: Boolean(config.openaiApiKey),
        },
      },
      batch_size: config.embedBatchSize,
      concurrency: config.embedConcurrency,
      timeout_s: config.timeoutMs / 1000,
      retries: config.retries,
      cache: service.store ? { enabled: true, vectors: service.store.count() } : { enabled: false },
      limits: EMBED_LIMITS,
      models: REMOTE_EMBEDDING_MODELS.map((m) => ({
        name: m.name,
        aliases: m.aliases,
        dims: m.dims,
        templates: m.templates,
      })),
    };
  });
};
