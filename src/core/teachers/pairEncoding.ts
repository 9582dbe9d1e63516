/**
 * Text-pair encoding for cross-encoders, with the truncation that Hugging Face tokenizers apply to pairs by
 * default (`truncation=True`, strategy `longest_first`, as sentence-transformers' CrossEncoder calls them):
 * tokens are removed from the end of the longer of the two texts until the pair, with its special tokens,
 * fits the maximum length, and the special tokens are kept. transformers.js instead cuts the finished
 * sequence at the maximum length, which drops the closing separator and, for a long query, the whole
 * document; so the pair is assembled here from the two texts' own token ids and the tokenizer's pair
 * template (`PairLayout`), learnt once from the tokenizer itself.
 */

/** Where the special tokens of a pair go: `prefix A middle B suffix`, with the token types of each part. */
export interface PairLayout {
  prefix: number[];
  middle: number[];
  suffix: number[];
  /** Token type ids of the parts (all zeros when the tokenizer gives none). */
  prefixTypes: number[];
  middleTypes: number[];
  suffixTypes: number[];
  typeA: number;
  typeB: number;
}

/** One encoded pair: token ids and token type ids, of the same length. */
export interface EncodedPair {
  ids: number[];
  typeIds: number[];
}

/**
 * How many tokens of the first (`lengthA`) and second (`lengthB`) text are kept when both must fit `budget`
 * tokens, as the Hugging Face tokenizers' `longest_first`: the shorter text stays whole when the longer one
 * can give up enough; otherwise each keeps half the budget (the longer one, or the second on a tie, the odd
 * token).
 */
export function longestFirstLengths(lengthA: number, lengthB: number, budget: number): [number, number] {
  if (budget < 0) throw new Error(`the pair budget must be at least 0, got ${budget}`);
  if (lengthA + lengthB <= budget) return [lengthA, lengthB];
  const swap = lengthA > lengthB;
  let short = swap ? lengthB : lengthA;
  // What the longer text may keep when the shorter one stays whole.
  let long = short > budget ? short : Math.max(short, budget - short);
  if (short + long > budget) {
    short = Math.floor(budget / 2);
    long = short + (budget % 2);
  }
  const keptA = swap ? long : short;
  const keptB = swap ? short : long;
  return [Math.min(lengthA, keptA), Math.min(lengthB, keptB)];
}

function startsAt(haystack: readonly number[], needle: readonly number[], at: number): boolean {
  if (at < 0 || at + needle.length > haystack.length) return false;
  for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) return false;
  return true;
}

/**
 * The layout of a tokenizer's pairs, found from one pair encoded whole (`full`, with its token types, if
 * any) and its two texts encoded alone without special tokens (`idsA`, `idsB`). Undefined when `full` is not
 * `prefix A middle B suffix` (a tokenizer that changes the texts' tokens inside a pair).
 */
export function findPairLayout(
  full: EncodedPair,
  idsA: readonly number[],
  idsB: readonly number[],
): PairLayout | undefined {
  const specials = full.ids.length - idsA.length - idsB.length;
  if (specials < 0 || idsA.length === 0 || idsB.length === 0) return undefined;
  for (let p = 0; p <= specials; p++) {
    if (!startsAt(full.ids, idsA, p)) continue;
    for (let m = 0; m + p <= specials; m++) {
      const startB = p + idsA.length + m;
      if (!startsAt(full.ids, idsB, startB)) continue;
      const endB = startB + idsB.length;
      const types = full.typeIds.length === full.ids.length ? full.typeIds : full.ids.map(() => 0);
      const typeA = types[p];
      const typeB = types[startB];
      // Every token of a text must have the same type, or the layout is not what it seems.
      if (types.slice(p, p + idsA.length).some((t) => t !== typeA)) continue;
      if (types.slice(startB, endB).some((t) => t !== typeB)) continue;
      return {
        prefix: full.ids.slice(0, p),
        middle: full.ids.slice(p + idsA.length, startB),
        suffix: full.ids.slice(endB),
        prefixTypes: types.slice(0, p),
        middleTypes: types.slice(p + idsA.length, startB),
        suffixTypes: types.slice(endB),
        typeA,
        typeB,
      };
    }
  }
  return undefined;
}

/** Special tokens a pair adds. */
export function pairSpecialCount(layout: PairLayout): number {
  return layout.prefix.length + layout.middle.length + layout.suffix.length;
}

/**
 * The pair `idsA`, `idsB` (each a text's tokens without special tokens) with the layout's special tokens,
 * the texts truncated `longest_first` so that the whole is at most `maxLength` tokens.
 */
export function assemblePair(
  layout: PairLayout,
  idsA: readonly number[],
  idsB: readonly number[],
  maxLength: number,
): EncodedPair {
  const budget = Math.max(0, maxLength - pairSpecialCount(layout));
  const [keepA, keepB] = longestFirstLengths(idsA.length, idsB.length, budget);
  return {
    ids: [
      ...layout.prefix,
      ...idsA.slice(0, keepA),
      ...layout.middle,
      ...idsB.slice(0, keepB),
      ...layout.suffix,
    ],
    typeIds: [
      ...layout.prefixTypes,
      ...new Array<number>(keepA).fill(layout.typeA),
      ...layout.middleTypes,
      ...new Array<number>(keepB).fill(layout.typeB),
      ...layout.suffixTypes,
    ],
  };
}
