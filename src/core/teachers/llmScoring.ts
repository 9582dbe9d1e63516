import { pythonRound } from './pythonRound';

/**
 * The pure part of the LLM teacher, shared by the server and the CLI's direct mode: the reference code's
 * generation settings and scoring (generative_llms.py, rerankers.py), and the skipping of thinking segments.
 * The prompts are in llmPrompts.ts.
 */

/** Part of every cache key: bump it when a prompt, a setting or the scoring changes. */
export const SCORING_VERSION = 2;

/** Sent with every chat completion, as the reference's OpenAIStyleMixin (random_seed=42, whatever the run's seed). */
export const LLM_SEED = 42;
/** Yes/no and verbalized judges: the reference's max_new_tokens=5 (no temperature is sent: the server's default). */
export const JUDGE_MAX_TOKENS = 5;
/** Yes/no: `top_logprobs` asked of the upstream (the reference's top_n_tokens). */
export const TOP_LOGPROBS = 5;
/** Yes/no: the first generated tokens whose top log-probabilities are searched (the reference's num_tokens_to_check). */
export const YESNO_TOKENS_TO_CHECK = 2;
/** Yes/no: a token position counts only when its yes and no variants hold more than this probability. */
export const YESNO_MIN_MASS = 1e-4;
/** Yes/no: the score is rounded to this many decimals (Python's round). */
export const YESNO_ROUND_DECIMALS = 5;
/** Yes/no: the neutral score of a document the upstream's content filter refused (as the reference). */
export const CONTENT_FILTER_SCORE = 0.5;
/** FollowIR (`truefalse`): one token, and the most top log-probabilities the completions API gives. */
export const TRUEFALSE_MAX_TOKENS = 1;
export const TRUEFALSE_LOGPROBS = 20;

/** As the reference: an upstream error whose text holds this is a content-filter refusal (Azure OpenAI's words). */
export function isContentFilterMessage(text: string): boolean {
  return text.includes('The response was filtered');
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

// The reference's `(\W|Ġ|_)*yes(\W|Ġ|_)*`, full match, ignoring case. Python's \w is Unicode-aware: letters,
// numbers and the underscore, i.e. [\p{L}\p{N}_]; so a separator is anything but a letter or a number, or the
// byte-level BPE space marker 'Ġ' (a letter). The SentencePiece marker '▁' is a symbol, hence a separator;
// the BPE newline marker 'Ċ' is a letter and is not ("Ċyes" does not count, as in the reference).
const SEPARATOR = String.raw`(?:[^\p{L}\p{N}]|Ġ)*`;
const YES = new RegExp(`^${SEPARATOR}yes${SEPARATOR}$`, 'iu');
const NO = new RegExp(`^${SEPARATOR}no${SEPARATOR}$`, 'iu');

/** True when a token is a variant of the word yes / no as the reference counts them. */
export function isYesToken(token: string): boolean {
  return YES.test(token);
}
export function isNoToken(token: string): boolean {
  return NO.test(token);
}

/**
 * The reference's yes/no score: at each of the first YESNO_TOKENS_TO_CHECK generated tokens (after a
 * thinking segment, which this project skips), the probabilities of the top alternatives that are yes and no
 * variants are summed; the first position with any, whose total exceeds YESNO_MIN_MASS, gives
 * P(yes) / (P(yes) + P(no)) rounded to 5 decimals with Python's round.
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
        `the model was still thinking after ${tokens.length} tokens (the reference asks for ` +
        `${JUDGE_MAX_TOKENS}): switch its thinking off (thinking: off) or use a non-thinking model`,
    };
  for (const position of tokens.slice(start, start + YESNO_TOKENS_TO_CHECK)) {
    let yes = 0;
    let no = 0;
    let found = false;
    for (const { token, logprob } of position.top_logprobs) {
      if (isYesToken(token)) yes += Math.exp(logprob);
      else if (isNoToken(token)) no += Math.exp(logprob);
      else continue;
      found = true;
    }
    if (found && yes + no > YESNO_MIN_MASS)
      return { score: pythonRound(yes / (yes + no), YESNO_ROUND_DECIMALS) };
  }
  const reply = tokens.map((t) => t.token).join('');
  return {
    score: null,
    error: `neither yes nor no among the top tokens of the answer (reply: ${quote(reply)})`,
  };
}

/**
 * The reply as the reference's get_generated_text reads it: a reply that starts with "{" must be JSON with a
 * "score" field, whose value is taken (a string, or what JSON gave); anything else is the text itself.
 */
function generatedText(content: string): { value: unknown } | { error: string } {
  if (!content.startsWith('{')) return { value: content };
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed !== null && typeof parsed === 'object' && 'score' in parsed)
      return { value: (parsed as { score: unknown }).score };
  } catch {
    // the reference's "ERROR parsing json"
  }
  return { error: `the reply starts with "{" but is not JSON with a "score" field: ${quote(content)}` };
}

// The reference's parse: the first run of (minus signs, digits, dotted digit groups) or of word characters.
const RATING = /([-]*[0-9]+(\.([0-9]+))*)|([\p{L}\p{N}_]+)/u;

/**
 * The verbalized rating, scaled from the reference's 0–100 to [0, 1]: float() of the first match of the
 * reference's regular expression, as Python reads it ("85" → 0.85, "-5" → -0.05, "150" → 1.5; "Rating: 85"
 * matches "Rating" and has no rating, as in the reference). A JSON reply's "score" must be a string, as the
 * reference's regular expression needs one. NaN and infinities, which Python's float() would give for "nan"
 * or "inf", are refused.
 */
export function parseVerbalizedRating(reply: string | null | undefined): ScoreOutcome {
  if (reply === null || reply === undefined) return { score: null, error: 'the model gave no reply' };
  const { text, unterminated } = stripThinking(reply);
  if (unterminated)
    return {
      score: null,
      error:
        `the model was still thinking when its ${JUDGE_MAX_TOKENS} tokens ran out: switch its thinking off ` +
        '(thinking: off) or use a non-thinking model',
    };
  const generated = generatedText(text);
  if ('error' in generated) return { score: null, error: generated.error };
  if (typeof generated.value !== 'string')
    return {
      score: null,
      error: `the JSON reply's "score" is not a string (the reference reads only text): ${quote(text)}`,
    };
  const body = generated.value;
  const match = RATING.exec(body);
  const value = match ? pythonFloat(match[0]) : undefined;
  if (value === undefined)
    return {
      score: null,
      error: `no rating at the start of the reply ${quote(body)} (read as the reference: the first number or word)`,
    };
  if (!Number.isFinite(value))
    return { score: null, error: `the reply ${quote(body)} reads as ${value}, not a rating` };
  return { score: value / 100 };
}

/**
 * Python's float() of a match of RATING (no white space, sign only as leading minus signs): a decimal
 * number, or (for a word) Unicode decimal digits with underscores between them and an optional exponent,
 * or nan / inf / infinity; undefined where float() raises.
 */
function pythonFloat(text: string): number | undefined {
  if (/^[-0-9]/.test(text)) return /^-?[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : undefined;
  if (/^nan$/i.test(text)) return NaN;
  if (/^inf(inity)?$/i.test(text)) return Infinity;
  const ascii = Array.from(text, decimalToAscii).join('');
  return /^[0-9](_?[0-9])*([eE][0-9](_?[0-9])*)?$/.test(ascii) ? Number(ascii.replace(/_/g, '')) : undefined;
}

/**
 * A Unicode decimal digit (e.g. full-width '８', Arabic-Indic '٨') as its ASCII digit, as Python's float()
 * reads it; other characters unchanged. Unicode encodes decimal digits in runs of ten from zero, so a
 * digit's value is its distance from the start of its run, modulo ten.
 */
function decimalToAscii(char: string): string {
  if (!/^\p{Nd}$/u.test(char) || /^[0-9]$/.test(char)) return char;
  let code = char.codePointAt(0)!;
  let distance = 0;
  while (/^\p{Nd}$/u.test(String.fromCodePoint(code - 1))) {
    code--;
    distance++;
  }
  return String(distance % 10);
}

/**
 * The text of a HyDE reply, as the reference uses it: as it came (not trimmed), read as get_generated_text
 * reads replies (a reply starting with "{" must be JSON with a "score" field), after skipping a thinking
 * segment; null with the reason when there is none.
 */
export function hydeText(reply: string | null | undefined): { text: string } | { text: null; error: string } {
  if (reply === null || reply === undefined) return { text: null, error: 'the model gave no reply' };
  const { text, unterminated } = stripThinking(reply);
  if (unterminated)
    return {
      text: null,
      error:
        'the model was still thinking when its token budget ran out; switch its thinking off (thinking: off)',
    };
  const generated = generatedText(text);
  if ('error' in generated) return { text: null, error: generated.error };
  const value = generated.value;
  if (typeof value !== 'string' && typeof value !== 'number')
    return { text: null, error: `the JSON reply's "score" is not text: ${quote(text)}` };
  const passage = String(value);
  return passage.trim() ? { text: passage } : { text: null, error: 'the model gave an empty reply' };
}

/**
 * FollowIR-7B's score, P(true) / (P(true) + P(false)), from the first generated token's top log-probabilities
 * of the completions API (`{token: logprob}`): the same as the reference's softmax over the two logits,
 * since both log-probabilities share one normaliser. Only the exact tokens "true" and "false" count, as the
 * reference reads the vocabulary entries "true" and "false" (vLLM reports a token as its text, so the
 * SentencePiece entry "▁true" arrives as " true": another token, not counted). When one of the two is
 * missing from the top list its probability is taken as 0 (it is below the last one listed); when both are,
 * the score is null with the reason.
 */
export function trueFalseScore(top: Readonly<Record<string, number>> | null | undefined): ScoreOutcome {
  if (!top)
    return {
      score: null,
      error:
        'the upstream returned no log-probabilities; the truefalse mode needs a completions endpoint that ' +
        'supports logprobs (vLLM serving jhu-clsp/FollowIR-7B)',
    };
  const logTrue = top.true;
  const logFalse = top.false;
  if (logTrue === undefined && logFalse === undefined)
    return {
      score: null,
      error: `neither "true" nor "false" among the ${Object.keys(top).length} top tokens (${quote(Object.keys(top).join(' | '))})`,
    };
  if (logTrue === undefined) return { score: 0 };
  if (logFalse === undefined) return { score: 1 };
  // The two-way softmax, computed stably.
  return { score: 1 / (1 + Math.exp(logFalse - logTrue)) };
}

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `"${oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine}"`;
}
