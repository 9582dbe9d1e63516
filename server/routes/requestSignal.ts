import { setMaxListeners } from 'node:events';
import type { FastifyReply } from 'fastify';
import { LlmServiceError } from '../../src/core/teachers/llmApi';

/**
 * The signal of one teacher-proxy request: it aborts when the client goes away before its answer (its
 * queued and in-flight upstream calls then stop, see ProxyLlmService.once), or when the request's time
 * budget (REQUEST_TIMEOUT) runs out, so that one request to a hung upstream cannot hold the shared
 * concurrency slots for minutes. Its reason is then a 504 that says what to change.
 */
export function requestSignal(
  reply: FastifyReply,
  budgetMs: number,
  items: 'documents' | 'prompts' | 'texts' = 'documents',
): AbortSignal {
  const controller = new AbortController();
  // Each document or prompt of the request waits on it (one listener each): no leak warning past ten.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(
    () =>
      controller.abort(
        new LlmServiceError(
          `the request took longer than REQUEST_TIMEOUT (${budgetMs / 1000} s), upstream retries included; ` +
            'what was finished is cached, so sending it again goes on from there; raise REQUEST_TIMEOUT, ' +
            `send fewer ${items} per request, or check the upstream`,
          504,
        ),
      ),
    budgetMs,
  );
  timer.unref();
  reply.raw.once('close', () => {
    clearTimeout(timer);
    if (!reply.raw.writableFinished) controller.abort(new Error('the client went away'));
  });
  return controller.signal;
}
