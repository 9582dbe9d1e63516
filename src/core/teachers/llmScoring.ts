import type { JudgeMode } from './llmApi';

/**
 * The pure part of the LLM teacher, shared by the server and the CLI's direct mode: prompts, truncation,
 * the yes/no score from token log-probabilities, the verbalized rating parser, thinking segments.
 */

/** Part of every cache key: bump it when a prompt or the scoring changes, so old cached scores are not reused. */
export const SCORING_VERSION = 1;

/** As the reference: a document is cut so that prompt + query + document stay within this many characters. */
export const MAX_PROMPT_CHARS = 500_000;

/** The first generated tokens whose top log-probabilities are searched for yes/no (as the reference). */
export const YESNO_TOKENS_TO_CHECK = 2;
/** Below this total probability of yes and no variants a token position does not count (as the reference). */
export const YESNO_MIN_MASS = 1e-4;
/** `top_logprobs` asked of the upstream (the OpenAI API allows up to 20). */
export const TOP_LOGPROBS = 5;
/** Enough for a short answer after an empty thinking segment (`<think>\n\n</think>\n\nYes`). */
export const JUDGE_MAX_TOKENS = 8;

/** The judge prompt for one document. The instruction is only given for classification datasets. */
export function buildJudgePrompt(mode: JudgeMode, query: string, document: string, instruction = ''): string {
  const task = instruction.trim() ? `Judge relevance for this task: ${instruction.trim()}\n` : '';
  const [head, tail] =
    mode === 'yesno'
      ? [
          `You decide whether a document is relevant to a query.\n${task}`,
          '\nIs the document relevant to the query? Reply with one word, Yes or No, and nothing before it.\nAnswer:',
        ]
      : [
          `You rate how relevant a document is to a query, from 0 (unrelated) to 100 (fully relevant).\n${task}`,
          '\nReply with the rating, a whole number from 0 to 100, and nothing before it.\nRating (0-100):',
        ];
  const frame = `${head}Query: ${query}\nDocument: `;
  const room = MAX_PROMPT_CHARS - frame.length - tail.length;
  const doc = document.length > room ? document.slice(0, Math.max(0, room)) : document;
  return `${frame}${doc}${tail}`;
}

/** The HyDE prompt: one passage that a relevant document could contain (the reference's idea, own wording). */
export function buildHydePrompt(query: string): string {
  return (
    'Write a short passage, in the style of a document from the collection being searched, that would be a ' +
    'relevant answer to the query below. Use the key concepts and terms such a document would contain. ' +
    'Reply with the passage only.\n\n' +
    `Query: ${query}\n\nPassage:`
  );
}

/** One generated token with its most likely alternatives, as in `choices[0].logprobs.content[]`. */
export interface GeneratedToken {
  token: string;
  logprob?: number;
  top_logprobs: { token: string; logprob: number }[];
}

export type ScoreOutcome = { score: number; error?: undefined } | { score: null; error: string };

const OPEN_THINKING = /^\s*(<think>|<thinking>|<reasoning>|◁think▷)/i;
const CLOSE_THINKING = /<\/think>|<\/thinking>|<\/reasoning>|◁\/think▷/i;

/**
 * Removes a leading thinking segment (`<think>…</think>` and the like) from a reply. `unterminated` is true
 * when the reply opened one and never closed it (the model ran out of tokens while thinking).
 */
export function stripThinking(text: string): { text: string; unterminated: boolean } {
  if (!OPEN_THINKING.test(text)) return { text, unterminated: false };
  const close = CLOSE_THINKING.exec(text);
  if (!close) return { text: '', unterminated: true };
  return { text: text.slice(close.index + close[0].length).trimStart(), unterminated: false };
}

/**
 * Where the answer starts in the generated tokens: after a leading thinking segment and the white space
 * that follows it; -1 when the segment does not end within the tokens.
 */
export function answerStart(tokens: readonly GeneratedToken[]): number {
  let text = '';
  let i = 0;
  while (i < tokens.length && tokens[i].token.trim() === '') text += tokens[i++].token;
  if (i === tokens.length) return 0;
  // The opening marker may be one special token or several pieces ('<', 'think', '>').
  let opened = false;
  for (let j = i; j < tokens.length && j < i + 4; j++) {
    text += tokens[j].token;
    if (OPEN_THINKING.test(text)) {
      opened = true;
      break;
    }
  }
  if (!opened) return 0;
  text = '';
  for (let j = i; j < tokens.length; j++) {
    text += tokens[j].token;
    if (CLOSE_THINKING.test(text)) {
      let k = j + 1;
      while (k < tokens.length && tokens[k].token.trim() === '') k++;
      return k;
    }
  }
  return -1;
}

// A token "is" a word when only separators surround it: white space, punctuation, symbols, and the
// tokenizers' space and newline markers (SentencePiece '▁', byte-level BPE 'Ġ' and 'Ċ', which are letters
// in Unicode). Longer words ("yesterday", "Nope") never match.
const SEPARATOR = String.raw`(?:[^\p{L}\p{N}]|[ĠĊ])*`;
const YES = new RegExp(`^${SEPARATOR}yes${SEPARATOR}$`, 'iu');
const NO = new RegExp(`^${SEPARATOR}no${SEPARATOR}$`, 'iu');

/** True when a token is a variant of the word yes / no: case, leading space or marker, punctuation. */
export function isYesToken(token: string): boolean {
  return YES.test(token);
}
export function isNoToken(token: string): boolean {
  return NO.test(token);
}

/**
 * P(yes) / (P(yes) + P(no)) from the top log-probabilities of the first `YESNO_TOKENS_TO_CHECK` answer
 * tokens (after a thinking segment), summing every variant of each word; the first position where yes and
 * no variants hold more than `YESNO_MIN_MASS` counts. Rounded to 5 decimals, as the reference.
 */
export function yesNoScore(tokens: readonly GeneratedToken[] | null | undefined): ScoreOutcome {
  if (!tokens || tokens.length === 0)
    return {
      score: null,
      error:
        'the upstream returned no log-probabilities; yes/no mode needs a server that supports logprobs ' +
        '(top_logprobs), otherwise use the verbalized mode',
    };
  const start = answerStart(tokens);
  if (start < 0)
    return {
      score: null,
      error:
        `the model was still thinking after ${tokens.length} tokens; switch its thinking off on the ` +
        'upstream (e.g. chat_template_kwargs {"enable_thinking": false}) or use a non-thinking model',
    };
  const answer = tokens.slice(start, start + YESNO_TOKENS_TO_CHECK);
  for (const position of answer) {
    const alternatives = [...position.top_logprobs];
    // The sampled token normally heads its own top list; count it when a server leaves it out.
    if (position.logprob !== undefined && !alternatives.some((a) => a.token === position.token))
      alternatives.push({ token: position.token, logprob: position.logprob });
    let yes = 0;
    let no = 0;
    for (const { token, logprob } of alternatives) {
      if (!Number.isFinite(logprob)) continue;
      if (isYesToken(token)) yes += Math.exp(logprob);
      else if (isNoToken(token)) no += Math.exp(logprob);
    }
    if (yes + no > YESNO_MIN_MASS) return { score: Math.round((yes / (yes + no)) * 1e5) / 1e5 };
  }
  const reply = tokens.map((t) => t.token).join('');
  return {
    score: null,
    error: `neither yes nor no among the top tokens of the answer (reply: ${quote(reply)})`,
  };
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

const LEAD_IN_WORDS = new Set([
  'rating',
  'score',
  'relevance',
  'i',
  'would',
  'rate',
  'it',
  'is',
  'a',
  'about',
]);

/** "seventy-five" → 75, "one hundred" → 100; undefined when the text starts with no number word. */
function numberFromWords(text: string): number | undefined {
  const words = text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  // Only a leading number word counts ("seventy", "Rating: seventy"), not one inside prose.
  let first = 0;
  while (first < words.length && LEAD_IN_WORDS.has(words[first])) first++;
  if (first === words.length || !(words[first] in NUMBER_WORDS || words[first] === 'hundred'))
    return undefined;
  const [a, b] = words.slice(first);
  if (a === 'hundred' || (a === 'one' && b === 'hundred')) return 100;
  const value = NUMBER_WORDS[a];
  if (value >= 20 && value < 100 && b !== undefined && NUMBER_WORDS[b] !== undefined && NUMBER_WORDS[b] < 10)
    return value + NUMBER_WORDS[b];
  return value;
}

/**
 * The 0–100 rating in a reply, scaled to [0, 1]: the first number (a `{"score": n}` JSON reply, "85",
 * "85/100", "8.5/10" and a leading thinking segment are understood), else a number in words
 * ("seventy-five"). Null with the reason when there is none or it is out of range.
 */
export function parseVerbalizedRating(reply: string | null | undefined): ScoreOutcome {
  if (reply === null || reply === undefined || reply.trim() === '')
    return { score: null, error: 'the model gave an empty reply' };
  const { text, unterminated } = stripThinking(reply);
  if (unterminated)
    return {
      score: null,
      error:
        'the model was still thinking when its token budget ran out; switch its thinking off on the ' +
        'upstream (e.g. chat_template_kwargs {"enable_thinking": false})',
    };
  let body = text.trim();
  if (body.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(body);
      const score = (parsed as { score?: unknown }).score;
      if (typeof score === 'number' || typeof score === 'string') body = String(score);
    } catch {
      // not JSON after all: read it as text
    }
  }
  let value: number | undefined;
  const number = /(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+))?/.exec(body);
  if (number) {
    value = Number(number[1]);
    const outOf = number[2] === undefined ? 100 : Number(number[2]);
    if (outOf > 0 && outOf !== 100) value = (value / outOf) * 100;
  } else {
    value = numberFromWords(body);
  }
  if (value === undefined || !Number.isFinite(value))
    return { score: null, error: `no 0-100 rating in the reply ${quote(body)}` };
  if (value < 0 || value > 100)
    return { score: null, error: `the rating ${value} in the reply ${quote(body)} is outside 0-100` };
  return { score: value / 100 };
}

/** The generated text of a HyDE reply: without a thinking segment, trimmed; null with the reason if empty. */
export function hydeText(reply: string | null | undefined): { text: string } | { text: null; error: string } {
  const { text, unterminated } = stripThinking(reply ?? '');
  if (unterminated)
    return {
      text: null,
      error:
        'the model was still thinking when its token budget ran out; switch its thinking off or raise max_tokens',
    };
  const trimmed = text.trim();
  return trimmed ? { text: trimmed } : { text: null, error: 'the model gave an empty reply' };
}

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `"${oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine}"`;
}
