import { z } from 'zod';
import { LLM_LIMITS, THINKING_MODES, type GenerateRequest } from '../../src/core/teachers/llmApi';
import type { RouteModule } from '../app';
import { modelName } from './judge';
import { requestSignal } from './requestSignal';
import { parseBody } from './validation';

const GenerateBody: z.ZodType<GenerateRequest> = z
  .strictObject({
    model: modelName,
    prompts: z
      .array(z.string().min(1).max(LLM_LIMITS.maxPromptChars))
      .min(1)
      .max(LLM_LIMITS.maxPrompts)
      .optional(),
    queries: z
      .array(z.string().min(1).max(LLM_LIMITS.maxQueryChars))
      .min(1)
      .max(LLM_LIMITS.maxPrompts)
      .optional(),
    max_tokens: z.int().min(1).max(LLM_LIMITS.maxGenerateTokens).optional(),
    temperature: z.number().min(0).max(LLM_LIMITS.maxTemperature).optional(),
    seed: z.int().optional(),
    thinking: z.enum(THINKING_MODES).optional(),
  })
  .refine((b) => (b.prompts === undefined) !== (b.queries === undefined), {
    message: 'give either prompts or queries (one of the two)',
  });

/** `POST /api/generate`: one text per prompt, or one HyDE passage per query. */
export const generateRoutes: RouteModule = (app, { llm, config }) => {
  app.post('/api/generate', async (request, reply) => {
    const body = parseBody(GenerateBody, request.body);
    return llm.generate(body, requestSignal(reply, config.requestTimeoutMs, 'prompts'));
  });
};
