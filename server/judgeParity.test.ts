import { describe, expect, it } from 'vitest';
import type { GenerateResponse, JudgeResponse } from '../src/core/teachers/llmApi';
import type { GeneratedToken } from '../src/core/teachers/llmScoring';
import { FakeUpstream } from './testing/fakeUpstream';
import { standInSuite } from './testing/standInSuite';
import { readReferenceGolden } from '../src/testing/sharedFolder';

/**
 * Reference parity of the teacher proxy, through the real server on a real port and a stand-in upstream that
 * records what it receives: the prompts of ../shared/reference/reference-golden.json character for
 * character, the reference's request parameters, and its scores from given log-probabilities.
 */

const golden = readReferenceGolden();

const upstream = new FakeUpstream();
const { main: server } = standInSuite('judge-parity-', [upstream], {
  apiKey: 'k',
  openaiApiKey: 'sk-parity',
  // No cache: every request reaches the stand-in.
  mainOverrides: { cacheDir: undefined },
});

async function post<T>(route: string, body: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

function judge(body: Record<string, unknown>) {
  return post<JudgeResponse>('/api/judge', { model: 'test-model', mode: 'yesno', query: 'q', ...body });
}

const ln = Math.log;
function position(top: [string, number][]): GeneratedToken {
  return {
    token: top[0][0],
    logprob: top[0][1],
    top_logprobs: top.map(([token, logprob]) => ({ token, logprob })),
  };
}

describe('what the proxy sends upstream (reference-golden.json)', () => {
  it('yes/no: the golden prompt as the only user message; max_tokens 5, logprobs, top_logprobs 5, seed 42, no temperature', async () => {
    const settings = golden.llm_settings.yesno;
    for (const c of golden.llm_prompts) {
      upstream.reset();
      const r = await judge({ instruction: c.task_instruction, query: c.query, documents: [c.document] });
      expect(r.status).toBe(200);
      expect(upstream.requests).toHaveLength(1);
      expect(upstream.requests[0].path).toBe('/v1/chat/completions');
      // The whole body: nothing else is sent (no temperature: the server's default, as the reference).
      expect(upstream.requests[0].body, c.dataset).toEqual({
        model: 'test-model',
        messages: [{ role: 'user', content: c.yesno }],
        seed: 42,
        max_tokens: settings.max_new_tokens,
        logprobs: true,
        top_logprobs: settings.top_logprobs,
      });
    }
  });

  it('verbalized: the golden prompt; max_tokens 5, seed 42, nothing else', async () => {
    for (const c of golden.llm_prompts) {
      upstream.reset();
      const r = await judge({
        mode: 'verbalized',
        instruction: c.task_instruction,
        query: c.query,
        documents: [c.document],
      });
      expect(r.status).toBe(200);
      expect(upstream.requests[0].body, c.dataset).toEqual({
        model: 'test-model',
        messages: [{ role: 'user', content: c.verbalized }],
        seed: 42,
        max_tokens: golden.llm_settings.verbalized.max_new_tokens,
      });
    }
  });

  it('HyDE: the golden prompt; max_tokens 256, temperature 0.7, seed 42', async () => {
    const r = await post<GenerateResponse>('/api/generate', {
      model: 'test-model',
      queries: golden.hyde_prompts.map((c) => c.query),
    });
    expect(r.status).toBe(200);
    const sent = new Map(
      upstream.requests.map((q) => [(q.body.messages as { content: string }[])[0].content, q.body]),
    );
    for (const c of golden.hyde_prompts)
      expect(sent.get(c.prompt)).toEqual({
        model: 'test-model',
        messages: [{ role: 'user', content: c.prompt }],
        seed: 42,
        max_tokens: golden.llm_settings.hyde.max_new_tokens,
        temperature: golden.llm_settings.hyde.temperature,
      });
    expect(r.json.texts[0]).toBe(
      `A passage on ${golden.hyde_prompts[0].query}: it discusses ${golden.hyde_prompts[0].query} in detail.`,
    );
  });

  it('Qwen models: chat_template_kwargs {enable_thinking: false} on judge and HyDE requests alike, as get_completion', async () => {
    const c = golden.llm_prompts[0];
    upstream.reset();
    await judge({
      model: 'Qwen/Qwen3-32B',
      instruction: c.task_instruction,
      query: c.query,
      documents: [c.document],
    });
    await judge({ model: 'Qwen/Qwen3-32B', mode: 'verbalized', query: c.query, documents: [c.document] });
    await post<GenerateResponse>('/api/generate', {
      model: 'Qwen/Qwen3-32B',
      queries: [golden.hyde_prompts[0].query],
    });
    expect(upstream.requests).toHaveLength(3);
    for (const request of upstream.requests)
      expect(request.body.chat_template_kwargs).toEqual({ enable_thinking: false });
    // The golden settings otherwise unchanged.
    expect(upstream.requests[0].body).toMatchObject({
      messages: [{ role: 'user', content: c.yesno }],
      max_tokens: 5,
    });
    expect(upstream.requests[2].body).toMatchObject({ max_tokens: 256, temperature: 0.7, seed: 42 });
  });

  it('truefalse (FollowIR): the raw prompt to /v1/completions; max_tokens 1, logprobs 20, no instruction', async () => {
    upstream.script = () => ({ topLogprobs: { true: -0.4, false: -1.6, ' true': -3, True: -4 } });
    const r = await judge({
      model: 'jhu-clsp/FollowIR-7B',
      mode: 'truefalse',
      instruction: 'Given an intent category, identify utterances that express this intent.',
      query: 'radon health effects',
      documents: ['Radon is a gas.'],
    });
    expect(r.status).toBe(200);
    expect(upstream.requests[0].path).toBe('/v1/completions');
    expect(upstream.requests[0].body).toEqual({
      model: 'jhu-clsp/FollowIR-7B',
      prompt:
        '<s> [INST] You are an expert Google searcher, whose job is to determine if the following document is ' +
        'relevant to the query (true/false). Answer using only one word, one of those two choices.\n\n' +
        'Query: radon health effects\nDocument: Radon is a gas.\n' +
        'Relevant (only output one word, either "true" or "false"): [/INST] ',
      max_tokens: 1,
      logprobs: 20,
    });
    // softmax([logit_false, logit_true])[1] = 1 / (1 + exp(lp_false - lp_true)).
    expect(r.json.scores[0]).toBeCloseTo(1 / (1 + Math.exp(-1.2)), 15);

    upstream.script = () => ({ topLogprobs: { ' true': -0.1, True: -2 } });
    const none = await judge({ model: 'jhu-clsp/FollowIR-7B', mode: 'truefalse', documents: ['x'] });
    expect(none.json.scores).toEqual([null]);
    expect(none.json.errors[0]).toMatch(/neither "true" nor "false" among the 2 top tokens/);
  });
});

describe('every llm_settings field of reference-golden.json, through the server', () => {
  const yesno = golden.llm_settings.yesno;
  const verbalized = golden.llm_settings.verbalized;
  /** Scripts the stand-in to answer the document named in the prompt with the given tokens. */
  function replies(byDocument: Record<string, GeneratedToken[]>) {
    upstream.script = (body) => {
      const prompt = (body.messages as { content: string }[])[0].content;
      const tokens = byDocument[/Document: (\w+)/.exec(prompt)![1]];
      return { content: tokens.map((t) => t.token).join(''), tokens };
    };
  }
  const filler = (n: number) => Array.from({ length: n }, () => position([['The', ln(0.99)]]));
  const answer = position([
    ['Yes', ln(0.7)],
    ['No', ln(0.3)],
  ]);

  it('tokens_checked: yes/no counts in the first tokens_checked generated tokens, not after', async () => {
    expect(yesno.tokens_checked).toBeGreaterThan(0);
    replies({
      last: [...filler(yesno.tokens_checked - 1), answer],
      past: [...filler(yesno.tokens_checked), answer],
    });
    const r = await judge({ documents: ['last', 'past'] });
    expect(r.json.scores).toEqual([0.7, null]);
  });

  it('min_probability_mass: a position counts only when its yes/no mass exceeds it', async () => {
    const m = yesno.min_probability_mass;
    const second = position([
      [' no', ln(0.6)],
      [' yes', ln(0.4)],
    ]);
    replies({
      below: [
        position([
          ['The', ln(0.9)],
          ['Yes', ln(0.45 * m)],
          ['No', ln(0.45 * m)],
        ]),
        second,
      ],
      above: [
        position([
          ['The', ln(0.9)],
          ['Yes', ln(0.55 * m)],
          ['No', ln(0.55 * m)],
        ]),
        second,
      ],
    });
    const r = await judge({ documents: ['below', 'above'] });
    // Below the mass the first position is passed over (the second gives 0.4); above it, it gives 0.5.
    expect(r.json.scores).toEqual([0.4, 0.5]);
  });

  it('round_decimals: P(yes) rounded to that many decimals', async () => {
    const p = 1 / 3;
    replies({
      third: [
        position([
          ['No', ln(2 * p)],
          ['Yes', ln(p)],
        ]),
      ],
    });
    const r = await judge({ documents: ['third'] });
    const scale = 10 ** yesno.round_decimals;
    expect(r.json.scores[0]).toBe(Math.round(p * scale) / scale);
    expect(String(r.json.scores[0]).split('.')[1]).toHaveLength(yesno.round_decimals);
  });

  it('temperature: not sent by the judges (the golden setting), 0.7 for HyDE', async () => {
    expect(yesno.temperature).toMatch(/^not sent/);
    for (const mode of ['yesno', 'verbalized']) {
      upstream.reset();
      await judge({ mode, documents: ['x'] });
      expect(upstream.requests[0].body, mode).not.toHaveProperty('temperature');
    }
  });

  it('verbalized scale and parse_regex: float() of the golden expression’s first match, over the scale', async () => {
    const [low, high] = verbalized.scale;
    const c = golden.llm_prompts[0];
    expect(c.verbalized).toContain(`On a scale of ${low} to ${high},`);
    expect(c.verbalized.endsWith(`Relevance rating (${low}-${high}):`)).toBe(true);
    // The golden expression, Python's Unicode \w written out for JavaScript.
    const expression = new RegExp(
      verbalized.parse_regex.replaceAll(String.raw`\w`, String.raw`\p{L}\p{N}_`),
      'u',
    );
    // What Python's float() makes of each first match (python3: float(m) or ValueError → null).
    const pythonFloat: Record<string, number | null> = {
      '85': 85,
      '72': 72,
      Rating: null,
      '-5': -5,
      '150': 150,
      '12.5': 12.5,
      '1.2.3': null,
      '--5': null,
      '٨٥': 85,
      '0': 0,
    };
    const texts = ['85', '  72 out of 100', 'Rating: 85', '-5', '150', '12.5/100', '1.2.3', '--5', '٨٥', '0'];
    upstream.script = (body) => {
      const prompt = (body.messages as { content: string }[])[0].content;
      return { content: texts[Number(/Document: doc(\d+)/.exec(prompt)![1])] };
    };
    const r = await judge({ mode: 'verbalized', documents: texts.map((_, i) => `doc${i}`) });
    texts.forEach((text, i) => {
      const value = pythonFloat[expression.exec(text)![0]];
      // The proxy returns the rating over the scale's top (the optimizer gets it back on 0–100).
      expect(r.json.scores[i], text).toBe(value === null ? null : value / high);
    });
  });
});

describe('the score from given log-probabilities', () => {
  it("rounds with Python's round (a tie to even), checks 2 tokens, and needs a mass above 1e-4", async () => {
    const replies: Record<string, GeneratedToken[]> = {
      // P(yes) = 1/64 exactly: python3 round(0.015625, 5) == 0.01562.
      tie: [
        position([
          ['No', -0.015748356968142467],
          ['Yes', -4.158883083359675],
        ]),
      ],
      second: [
        position([
          ['\n', ln(0.97)],
          ['"', ln(0.02)],
        ]),
        position([
          ['No', ln(0.6)],
          ['Yes', ln(0.3)],
          ['Maybe', ln(0.1)],
        ]),
      ],
      // At most 1e-4 of yes/no mass at the first token: it does not count, the second does.
      mass: [
        position([
          ['The', ln(0.99)],
          ['No', ln(0.00004)],
          ['Yes', ln(0.00004)],
        ]),
        position([
          [' yes', ln(0.8)],
          [' no', ln(0.2)],
        ]),
      ],
      // Yes and no only at the third token: not counted (the reference checks 2).
      third: [
        position([['The', ln(0.99)]]),
        position([[' answer', ln(0.99)]]),
        position([
          [' Yes', ln(0.9)],
          [' No', ln(0.1)],
        ]),
      ],
    };
    upstream.script = (body) => {
      const prompt = (body.messages as { content: string }[])[0].content;
      const name = /Document: (\w+)/.exec(prompt)![1];
      return { content: replies[name].map((t) => t.token).join(''), tokens: replies[name] };
    };
    const r = await judge({ documents: ['tie', 'second', 'mass', 'third'] });
    expect(r.json.scores).toEqual([0.01562, 0.33333, 0.8, null]);
    expect(r.json.errors[3]).toMatch(/neither yes nor no/);
    expect(r.json.content_filtered).toBe(0);
  });

  it('scores a content-filter refusal 0.5 in yes/no mode, counts it, and does not retry it', async () => {
    upstream.plan = (body) =>
      String((body.messages as { content: string }[])[0].content).includes('Document: forbidden')
        ? 'content_filter'
        : 'answer';
    const documents = ['forbidden words', 'cheap flights to paris', 'forbidden again'];
    const r = await judge({ query: 'cheap flights to paris', documents });
    expect(r.status).toBe(200);
    expect(r.json.scores[0]).toBe(golden.llm_settings.yesno.content_filter_score);
    expect(r.json.scores[2]).toBe(0.5);
    expect(r.json.scores[1]).toBeGreaterThan(0.9);
    expect(r.json.errors).toEqual([null, null, null]);
    expect(r.json.content_filtered).toBe(2);
    expect(upstream.requests).toHaveLength(3);

    // Verbalized: the reference has no score for it (ERR); null with the upstream's reason, still counted.
    const v = await judge({ mode: 'verbalized', query: 'cheap flights to paris', documents });
    expect(v.json.scores[0]).toBeNull();
    expect(v.json.errors[0]).toMatch(/content filter.*The response was filtered/);
    expect(v.json.content_filtered).toBe(2);
  });
});
