import { describe, expect, it } from 'vitest';
import { assemblePair, findPairLayout, longestFirstLengths, pairSpecialCount } from './pairEncoding';

describe('longestFirstLengths (the Hugging Face tokenizers longest_first strategy)', () => {
  it.each([
    // [lengthA, lengthB, budget, expected]
    [3, 10, 20, [3, 10]], // fits: nothing removed
    [3, 100, 20, [3, 17]], // the short query stays whole, the document gets the rest
    [100, 3, 20, [17, 3]],
    [30, 40, 20, [10, 10]], // both too long: half each
    [40, 30, 21, [11, 10]], // the longer one gets the odd token
    [30, 30, 21, [10, 11]], // a tie: the second one does
    [25, 12, 20, [10, 10]], // the shorter one must give up tokens too
    [0, 50, 10, [0, 10]],
    [5, 5, 0, [0, 0]],
  ] as const)('(%i, %i) in %i tokens keeps %j', (a, b, budget, expected) => {
    const kept = longestFirstLengths(a, b, budget);
    expect(kept).toEqual(expected);
    expect(kept[0] + kept[1]).toBe(Math.min(a + b, budget));
  });

  it('never keeps more than a text has', () => {
    for (let a = 0; a < 12; a++)
      for (let b = 0; b < 12; b++)
        for (let budget = 0; budget < 25; budget++) {
          const [ka, kb] = longestFirstLengths(a, b, budget);
          expect(ka).toBeLessThanOrEqual(a);
          expect(kb).toBeLessThanOrEqual(b);
          expect(ka + kb).toBe(Math.min(a + b, budget));
        }
  });
});

describe('pair layouts', () => {
  const CLS = 101;
  const SEP = 102;
  const bert = { ids: [CLS, 7, 8, SEP, 9, 10, 11, SEP], typeIds: [0, 0, 0, 0, 1, 1, 1, 1] };

  it('reads BERT\'s "[CLS] A [SEP] B [SEP]" with its token types, and assembles truncated pairs', () => {
    const layout = findPairLayout(bert, [7, 8], [9, 10, 11])!;
    expect(layout).toMatchObject({ prefix: [CLS], middle: [SEP], suffix: [SEP], typeA: 0, typeB: 1 });
    expect(pairSpecialCount(layout)).toBe(3);
    expect(assemblePair(layout, [7, 8], [9, 10, 11], Infinity)).toEqual(bert);
    // 8 tokens, 3 special: the query (2) stays, the document keeps 3 of its 6, the closing [SEP] stays.
    expect(assemblePair(layout, [7, 8], [1, 2, 3, 4, 5, 6], 8)).toEqual({
      ids: [CLS, 7, 8, SEP, 1, 2, 3, SEP],
      typeIds: [0, 0, 0, 0, 1, 1, 1, 1],
    });
  });

  it('reads RoBERTa\'s "<s> A </s></s> B </s>" without token types', () => {
    const full = { ids: [0, 5, 6, 2, 2, 9, 2], typeIds: [] };
    const layout = findPairLayout(full, [5, 6], [9])!;
    expect(layout).toMatchObject({ prefix: [0], middle: [2, 2], suffix: [2], typeA: 0, typeB: 0 });
    expect(assemblePair(layout, [5, 6, 7, 8], [9, 10, 11], 7).ids).toEqual([0, 5, 6, 2, 2, 9, 2]);
  });

  it('finds no layout when the pair is not the two texts with special tokens around them', () => {
    expect(findPairLayout(bert, [7, 9], [9, 10, 11])).toBeUndefined();
    expect(findPairLayout(bert, [7, 8, SEP, 9, 10, 11, SEP, 1], [9])).toBeUndefined();
    expect(findPairLayout(bert, [], [9, 10, 11])).toBeUndefined();
    // A token type that changes inside a text.
    expect(findPairLayout({ ids: bert.ids, typeIds: [0, 0, 1, 0, 1, 1, 1, 1] }, [7, 8], [9, 10, 11])).toBe(
      undefined,
    );
  });
});
