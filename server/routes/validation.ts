import type { z } from 'zod';
import { LlmServiceError } from '../../src/core/teachers/llmApi';

/** The parsed body, or a 400 LlmServiceError listing each problem with where it is ("documents.3: ..."). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null)
    throw new LlmServiceError('send a JSON body (content-type: application/json)', 400);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'body';
    return `${where}: ${issue.message}`;
  });
  const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
  throw new LlmServiceError(`invalid request: ${problems.join('; ')}${more}`, 400);
}
