import { z } from 'zod';
import { JUDGE_MODES, LLM_LIMITS, THINKING_MODES, type JudgeRequest } from '../../src/core/teachers/llmApi';
import type { RouteModule } from '../app';
import { requestSignal } from './requestSignal';
import { parseBody } from './validation';

export const modelName = z
  .string()
  .min(1)
  .max(LLM_LIMITS.maxModelChars)
  .regex(/^[^\s\p{Cc}]+$/u, 'a model name has no spaces or control characters');

const JudgeBody: z.ZodType<JudgeRequest> = z.strictObject({
  model: modelName,
  mode: z.enum(JUDGE_MODES),
  instruction: z.string().max(LLM_LIMITS.maxInstructionChars).optional(),
  query: z.string().min(1).max(LLM_LIMITS.maxQueryChars),
  documents: z.array(z.string().max(LLM_LIMITS.maxDocumentChars)).min(1).max(LLM_LIMITS.maxDocuments),
  thinking: z.enum(THINKING_MODES).optional(),
});

/** `POST /api/judge`: one relevance score per document (DESIGN.md, "The teacher proxy"). */
export const judgeRoutes: RouteModule = (app, { llm, config }) => {
  app.post('/api/judge', async (request, reply) => {
    const body = parseBody(JudgeBody, request.body);
    return llm.judge(body, requestSignal(reply, config.requestTimeoutMs));
  });
};
