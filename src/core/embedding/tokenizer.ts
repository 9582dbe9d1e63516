/**
 * The LSA tokenizer: lowercase Unicode word tokens (letters and digits; combining marks stay inside
 * their word), without one-character tokens and without a small list of English stop words.
 */

/** A short list of English function words that carry no topic (a subset of the usual lists). */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how if in into is it its itself just me more most my ' +
    'myself no nor not now of off on once only or other our ours ourselves out over own same she should ' +
    'so some such than that the their theirs them themselves then there these they this those through to ' +
    'too under until up very was we were what when where which while who whom why will with would you ' +
    'your yours yourself yourselves'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/** True when `token` is a single code point (one UTF-16 unit, or one surrogate pair). */
function isSingleCodePoint(token: string): boolean {
  return token.length === 1 || (token.length === 2 && (token.codePointAt(0) ?? 0) > 0xffff);
}

/** The indexable words of `text`, in order, repeats kept. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const token = match[0];
    if (isSingleCodePoint(token) || ENGLISH_STOP_WORDS.has(token)) continue;
    tokens.push(token);
  }
  return tokens;
}
