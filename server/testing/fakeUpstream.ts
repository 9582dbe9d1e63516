import type { ServerResponse } from 'node:http';
import type { GeneratedToken } from '../../src/core/teachers/llmScoring';
import { FakeHttpUpstream, sendJson } from './fakeHttpUpstream';

/**
 * A stand-in upstream for tests: a real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions
 * protocol (`POST /v1/chat/completions`, `logprobs.content[].top_logprobs[]`) and the legacy completions one
 * (`POST /v1/completions`, `logprobs.top_logprobs[{token: logprob}]`, as vLLM serves FollowIR-7B), records
 * every request, and can be told to misbehave or to give a scripted reply. Its relevance judgement is word
 * overlap between the query and the document, so refinement has a signal. Like a real server it sends at
 * most `top_logprobs` (chat) or `logprobs` (completions) alternatives and at most `max_tokens` tokens.
 */

export type Behavior =
  | 'answer'
  /** HTTP 429 with Retry-After: 0. */
  | 'rate_limit'
  | 'server_error'
  /** HTTP 401 whose message echoes the key it was sent (as OpenAI does, partly masked). */
  | 'bad_key'
  /** HTTP 400 that names chat_template_kwargs (a server that does not take the thinking switch). */
  | 'refuse_switch'
  /** HTTP 400 with Azure OpenAI's content-filter refusal. */
  | 'content_filter'
  /** Never answers. */
  | 'hang'
  /** HTTP 200, content-type JSON, body not JSON. */
  | 'malformed'
  /** HTTP 200 whose body stops mid-way (the connection closes before Content-Length bytes). */
  | 'cut_off'
  /** A chat reply that quotes the key it was sent (a model or gateway echoing it). */
  | 'echo_key'
  /** A chat completion without `logprobs`. */
  | 'no_logprobs'
  /** An empty `<think>\n\n</think>\n\n` segment (four tokens) before the answer tokens. */
  | 'thinking'
  /** A thinking segment that never ends within the tokens. */
  | 'endless_thinking'
  /** A verbalized reply in prose, with no rating. */
  | 'prose';

interface TopLogprob {
  token: string;
  logprob: number;
}

/** A reply a test dictates: the chat reply's content and tokens, or a completion's first-token top list. */
export interface ScriptedReply {
  content?: string | null;
  tokens?: GeneratedToken[];
  topLogprobs?: Record<string, number>;
}

/** Azure OpenAI's refusal of a prompt (HTTP 400), which the reference recognises by its first words. */
export const CONTENT_FILTER_MESSAGE =
  "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. " +
  'Please modify your prompt and retry.';

export class FakeUpstream extends FakeHttpUpstream<Record<string, unknown>, Behavior> {
  /** When set, answers every request it returns a reply for (before `plan`'s `answer`). */
  script: ((body: Record<string, unknown>) => ScriptedReply | undefined) | undefined;

  constructor() {
    // '/completions' ends both /v1/chat/completions and /v1/completions.
    super('/completions', 'upstream');
  }

  override reset(): void {
    super.reset();
    this.script = undefined;
  }

  protected respond(
    res: ServerResponse,
    behavior: Behavior,
    body: Record<string, unknown>,
    authorization: string | undefined,
  ): void {
    if (this.sendStagedFailure(res, behavior, authorization)) return;
    switch (behavior) {
      case 'refuse_switch':
        return sendJson(res, 400, {
          error: { message: 'Unrecognized request argument supplied: chat_template_kwargs' },
        });
      case 'content_filter':
        return sendJson(res, 400, {
          error: { message: CONTENT_FILTER_MESSAGE, type: null, param: 'prompt', code: 'content_filter' },
        });
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-1", "choices": [ {"message": ');
        return;
      case 'cut_off':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
        res.write('{"id": "chatcmpl-1", "choices": [ {"message": ', () => res.destroy());
        return;
      default:
        break;
    }
    if (typeof body.prompt === 'string') return this.complete(res, body);

    const prompt = String((body.messages as { content: string }[])[0]?.content ?? '');
    const model = String(body.model);
    const maxTokens = Number(body.max_tokens ?? body.max_completion_tokens ?? 16);
    const topN = Number(body.top_logprobs ?? 0);
    const wantsLogprobs = body.logprobs === true && behavior !== 'no_logprobs';
    let content: string | null;
    let tokens: GeneratedToken[] = [];
    const scripted = this.script?.(body);
    if (scripted) {
      content = scripted.content ?? null;
      tokens = scripted.tokens ?? [];
    } else if (behavior === 'echo_key') {
      content = `over quota: ${(authorization ?? '').replace(/^Bearer\s+/, '')}`;
      tokens = [plain(content)];
    } else if (prompt.startsWith('Write a representative document passage')) {
      const query = /Query: ([\s\S]*?)\n\nPassage:/.exec(prompt)?.[1] ?? '';
      content = `A passage on ${query}: it discusses ${query} in detail.`;
    } else {
      const p = relevance(prompt);
      if (prompt.includes('Relevance rating (0-100):')) {
        content =
          behavior === 'prose' ? 'This document seems somewhat related.' : String(Math.round(p * 100));
      } else {
        // Yes and no variants hold 0.9 of the mass in the ratio p : 1-p, so P(yes) / (P(yes) + P(no)) = p.
        const yes = Math.log(0.9 * p);
        const no = Math.log(0.9 * (1 - p));
        const answer: TopLogprob[] = [
          { token: 'Yes', logprob: yes + Math.log(0.8) },
          { token: 'No', logprob: no + Math.log(0.8) },
          { token: ' yes', logprob: yes + Math.log(0.2) },
          { token: 'NO', logprob: no + Math.log(0.2) },
          { token: 'Yesterday', logprob: Math.log(0.05) },
        ].sort((a, b) => b.logprob - a.logprob);
        const first = answer[0];
        content = first.token.trim();
        tokens = [{ ...first, top_logprobs: answer }];
        if (behavior === 'thinking') {
          tokens = [...['<think>', '\n\n', '</think>', '\n\n'].map((token) => plain(token)), ...tokens];
          content = `<think>\n\n</think>\n\n${content}`;
        }
        if (behavior === 'endless_thinking') {
          tokens = ['<think>', '\n', 'Hmm', ',', ' the', ' query', ' asks', ' about'].map((token) =>
            plain(token),
          );
          content = tokens.map((t) => t.token).join('');
        }
      }
    }
    tokens = tokens.slice(0, maxTokens).map((t) => ({ ...t, top_logprobs: t.top_logprobs.slice(0, topN) }));
    return sendJson(res, 200, {
      id: `chatcmpl-${this.count}`,
      object: 'chat.completion',
      created: 1,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content },
          finish_reason: 'stop',
          logprobs: wantsLogprobs && tokens.length ? { content: tokens } : null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
    });
  }

  /** A legacy text completion: FollowIR's first token, with P(true) = the prompt's word overlap. */
  private complete(res: ServerResponse, body: Record<string, unknown>): void {
    const p = relevance(String(body.prompt));
    const top =
      this.script?.(body)?.topLogprobs ??
      ({
        true: Math.log(0.9 * p),
        false: Math.log(0.9 * (1 - p)),
        ' true': Math.log(0.04),
        True: Math.log(0.03),
        '</s>': Math.log(0.01),
      } as Record<string, number>);
    const n = Number(body.logprobs ?? 0);
    const kept = Object.entries(top)
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
    const first = kept[0]?.[0] ?? '';
    return sendJson(res, 200, {
      id: `cmpl-${this.count}`,
      object: 'text_completion',
      created: 1,
      model: String(body.model),
      choices: [
        {
          index: 0,
          text: first,
          finish_reason: 'length',
          logprobs: n
            ? {
                tokens: [first],
                token_logprobs: [kept[0]?.[1] ?? 0],
                top_logprobs: [Object.fromEntries(kept)],
                text_offset: [0],
              }
            : null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
    });
  }
}

function plain(token: string): { token: string; logprob: number; top_logprobs: TopLogprob[] } {
  return { token, logprob: -0.01, top_logprobs: [{ token, logprob: -0.01 }] };
}

/** Word overlap of the query and the document in a judge or FollowIR prompt, mapped into (0.02, 0.98). */
export function relevance(prompt: string): number {
  const query = /Query: ([\s\S]*?)\nDocument: /.exec(prompt)?.[1] ?? '';
  const document = /\nDocument: ([\s\S]*?)\nRelevan/.exec(prompt)?.[1] ?? '';
  const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]{3,}/g) ?? []);
  const q = words(query);
  const d = words(document);
  let shared = 0;
  for (const w of q) if (d.has(w)) shared++;
  const overlap = q.size ? shared / q.size : 0;
  return 0.02 + 0.96 * Math.min(1, overlap * 1.5);
}
