import type { ServerResponse } from 'node:http';
import { FakeHttpUpstream, sendJson } from './fakeHttpUpstream';

/**
 * A stand-in upstream for tests: a real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions
 * protocol (`POST /v1/chat/completions`, `logprobs.content[].top_logprobs[]`) and can be told to misbehave.
 * Its relevance judgement is word overlap between the query and the document, so refinement has a signal.
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
  /** Never answers. */
  | 'hang'
  /** HTTP 200, content-type JSON, body not JSON. */
  | 'malformed'
  /** A chat completion without `logprobs`. */
  | 'no_logprobs'
  /** A `<think> … </think>` segment before the answer tokens. */
  | 'thinking'
  /** A thinking segment that never ends within the tokens. */
  | 'endless_thinking'
  /** A verbalized rating in words ("seventy-five"), or prose with no rating at all. */
  | 'words'
  | 'prose';

interface TopLogprob {
  token: string;
  logprob: number;
}

export class FakeUpstream extends FakeHttpUpstream<Record<string, unknown>, Behavior> {
  constructor() {
    super('/chat/completions', 'upstream');
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
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-1", "choices": [ {"message": ');
        return;
      default:
        break;
    }

    const prompt = String((body.messages as { content: string }[])[0]?.content ?? '');
    const model = String(body.model);
    const wantsLogprobs = body.logprobs === true && behavior !== 'no_logprobs';
    let content: string;
    let tokens: { token: string; logprob: number; top_logprobs: TopLogprob[] }[] = [];
    if (prompt.startsWith('Write a short passage')) {
      const query = /Query: ([\s\S]*?)\n\nPassage:/.exec(prompt)?.[1] ?? '';
      content = `A passage on ${query}: it discusses ${query} in detail.`;
    } else {
      const p = relevance(prompt);
      if (prompt.includes('Rating (0-100)')) {
        content =
          behavior === 'words'
            ? wordsFor(Math.round(p * 100))
            : behavior === 'prose'
              ? 'This document seems somewhat related.'
              : String(Math.round(p * 100));
      } else {
        const yes = Math.log(0.9 * p);
        const no = Math.log(0.9 * (1 - p));
        const answer: TopLogprob[] = [
          { token: 'Yes', logprob: yes + Math.log(0.8) },
          { token: 'No', logprob: no + Math.log(0.8) },
          { token: ' yes', logprob: yes + Math.log(0.15) },
          { token: 'NO', logprob: no + Math.log(0.2) },
          { token: 'Yesterday', logprob: Math.log(0.05) },
          { token: 'yes.', logprob: yes + Math.log(0.05) },
        ].sort((a, b) => b.logprob - a.logprob);
        const first = answer[0];
        content = first.token.trim();
        tokens = [{ ...first, top_logprobs: answer }];
        if (behavior === 'thinking') {
          tokens = [
            ...['<think>', '\n', 'Let me see', '.', '\n', '</think>', '\n\n'].map((token) => plain(token)),
            ...tokens,
          ];
          content = `<think>\nLet me see.\n</think>\n\n${content}`;
        }
        if (behavior === 'endless_thinking') {
          tokens = ['<think>', '\n', 'Hmm', ',', ' the', ' query', ' asks', ' about'].map((token) =>
            plain(token),
          );
          content = tokens.map((t) => t.token).join('');
        }
      }
    }
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
}

function plain(token: string): { token: string; logprob: number; top_logprobs: TopLogprob[] } {
  return { token, logprob: -0.01, top_logprobs: [{ token, logprob: -0.01 }] };
}

/** Word overlap of the query and the document in a judge prompt, mapped into (0.02, 0.98). */
export function relevance(prompt: string): number {
  const query = /Query: ([\s\S]*?)\nDocument: /.exec(prompt)?.[1] ?? '';
  const document = /\nDocument: ([\s\S]*?)\n(?:Is the document|Reply with)/.exec(prompt)?.[1] ?? '';
  const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]{3,}/g) ?? []);
  const q = words(query);
  const d = words(document);
  let shared = 0;
  for (const w of q) if (d.has(w)) shared++;
  const overlap = q.size ? shared / q.size : 0;
  return 0.02 + 0.96 * Math.min(1, overlap * 1.5);
}

function wordsFor(n: number): string {
  const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
  if (n === 100) return 'One hundred.';
  if (n < 10) return `${ones[n]}.`;
  if (n < 20) return 'Fifteen.';
  return `${tens[Math.floor(n / 10)]}${n % 10 ? `-${ones[n % 10]}` : ''}.`;
}
