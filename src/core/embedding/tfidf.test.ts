import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from './csrMatrix';
import { TfidfVectorizer } from './tfidf';

/** Row `i` as a term → weight map. */
function rowOf(m: CsrMatrix, vocabulary: readonly string[], i: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let e = m.indptr[i]; e < m.indptr[i + 1]; e++) out[vocabulary[m.indices[e]]] = m.values[e];
  return out;
}

const DOCUMENTS = ['Apple banana APPLE', 'banana, cherry! a I the', 'Cherry cherry cherry date.'];

describe('TfidfVectorizer', () => {
  // Hand-computed with scikit-learn's formulas (TfidfVectorizer(sublinear_tf=True, smooth_idf=True)):
  // n = 3; df = apple 1, banana 2, cherry 2, date 1; idf = ln((1 + n) / (1 + df)) + 1;
  // weight = (1 + ln count) * idf, then each row divided by its L2 norm.
  it('matches the scikit-learn formula on a tiny corpus', () => {
    const vectorizer = new TfidfVectorizer();
    const m = vectorizer.fitTransform(DOCUMENTS);
    expect(vectorizer.vocabulary).toEqual(['apple', 'banana', 'cherry', 'date']);
    expect(m.rows).toBe(3);
    expect(m.cols).toBe(4);
    const idf = Array.from(vectorizer.idf);
    [1 + Math.log(2), 1 + Math.log(4 / 3), 1 + Math.log(4 / 3), 1 + Math.log(2)].forEach((v, i) =>
      expect(idf[i]).toBeCloseTo(v, 15),
    );
    const expected = [
      // apple: (1 + ln 2)·(1 + ln 2) = 2.8667..., banana: 1·(1 + ln 4/3) = 1.2877...; norm 3.1426...
      { apple: 0.9122016295971542, banana: 0.4097416099937816 },
      { banana: 0.7071067811865476, cherry: 0.7071067811865476 },
      // cherry: (1 + ln 3)·(1 + ln 4/3), date: 1·(1 + ln 2)
      { cherry: 0.8474084852202652, date: 0.5309414837594586 },
    ];
    expected.forEach((row, i) => {
      const actual = rowOf(m, vectorizer.vocabulary, i);
      expect(Object.keys(actual)).toEqual(Object.keys(row));
      for (const [term, value] of Object.entries(row)) expect(actual[term]).toBeCloseTo(value, 14);
    });
    expect(Array.from(m.indptr)).toEqual([0, 2, 4, 6]);
  });

  it('transforms new text with the fitted vocabulary and idf, ignoring unknown words', () => {
    const vectorizer = new TfidfVectorizer();
    vectorizer.fitTransform(DOCUMENTS);
    const m = vectorizer.transform(['banana kiwi Banana', 'kiwi mango', '']);
    expect(m.cols).toBe(4);
    // A single known term: whatever its tf·idf, the L2-normalised weight is 1.
    expect(rowOf(m, vectorizer.vocabulary, 0)).toEqual({ banana: 1 });
    expect(rowOf(m, vectorizer.vocabulary, 1)).toEqual({});
    expect(rowOf(m, vectorizer.vocabulary, 2)).toEqual({});
    const two = vectorizer.transform(['apple date date']);
    const row = rowOf(two, vectorizer.vocabulary, 0);
    const a = 1 + Math.log(2);
    const d = (1 + Math.log(2)) * (1 + Math.log(2));
    expect(row.apple).toBeCloseTo(a / Math.hypot(a, d), 14);
    expect(row.date).toBeCloseTo(d / Math.hypot(a, d), 14);
  });

  it('keeps the terms in the most documents when the vocabulary is capped', () => {
    const vectorizer = new TfidfVectorizer({ maxVocabulary: 2 });
    const m = vectorizer.fitTransform(['zebra yak', 'yak xerus', 'yak zebra', 'walrus']);
    // df: yak 3, zebra 2, xerus 1, walrus 1 → keep yak and zebra, in alphabetical column order.
    expect(vectorizer.vocabulary).toEqual(['yak', 'zebra']);
    expect(m.cols).toBe(2);
    expect(rowOf(m, vectorizer.vocabulary, 3)).toEqual({});
  });

  it('drops rare terms with minDocumentFrequency', () => {
    const vectorizer = new TfidfVectorizer({ minDocumentFrequency: 2 });
    vectorizer.fitTransform(['zebra yak', 'yak xerus', 'yak zebra', 'walrus']);
    expect(vectorizer.vocabulary).toEqual(['yak', 'zebra']);
  });
});
