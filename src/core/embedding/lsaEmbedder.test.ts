import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { row, type Matrix } from '../matrix';
import type { ProgressEvent } from '../progress';
import { LsaEmbedder } from './lsaEmbedder';
import { cosine } from '../../testing/referenceMath';

/** Indices of the rows of `docs`, most similar to `query` first. */
function ranking(docs: Matrix, query: Float32Array): number[] {
  const scores = Array.from({ length: docs.rows }, (_, i) => cosine(row(docs, i), query));
  return scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

const TOPICS: Record<string, string[]> = {
  astronomy: [
    'The telescope showed a planet in orbit around a distant star.',
    'Astronomers use a telescope to watch the moon orbit the planet.',
    'A comet crossed the galaxy, and astronomers followed its orbit with a telescope.',
    'The galaxy holds many a star, each with a planet or moon in orbit.',
    'Through the telescope the moon and a bright star were visible near the planet.',
    'Astronomers found a new planet and its moon orbiting a star in our galaxy.',
  ],
  cooking: [
    'Bake the bread in a hot oven and brush it with garlic butter.',
    'The recipe mixes flour and butter before you bake the dough in the oven.',
    'Simmer the garlic sauce while the bread bakes in the oven.',
    'This bread recipe needs flour, butter and a very hot oven.',
    'Add garlic to the tomato sauce, then bake the pasta in the oven.',
    'A simple recipe: flour, butter and garlic, baked into bread.',
  ],
  football: [
    'The striker scored a goal and the team won the match.',
    'The goalkeeper saved a penalty late in the league match.',
    'The coach praised the team after the striker scored the winning goal.',
    'A penalty goal decided the league match for the home team.',
    'The team coach picked a new goalkeeper for the next match.',
    'The striker leads the league in goals, and the team tops the table.',
  ],
  banking: [
    'Transfer money from my savings account at the bank.',
    'The bank raised the interest on my savings account.',
    'My credit card loan has a high interest rate at this bank.',
    'Deposit the money into the bank account and check the credit balance.',
    'The bank approved a loan and moved the money into my account.',
    'Savings accounts earn interest, while a credit loan costs money.',
  ],
};
const TOPIC_NAMES = Object.keys(TOPICS);
const DOCUMENTS = TOPIC_NAMES.flatMap((name) => TOPICS[name]);

describe('LsaEmbedder', () => {
  it('names itself from its settings and reports the fitted dimensions', async () => {
    const embedder = new LsaEmbedder();
    expect(embedder.id).toBe('lsa-256-seed42');
    expect(embedder.dims).toBe(256);
    expect(new LsaEmbedder({ dims: 64, seed: 7, powerIterations: 2, maxVocabulary: 1000 }).id).toBe(
      'lsa-64-seed7-iter2-vocab1000',
    );
    // 24 documents: the corpus rank caps the 256 requested dimensions.
    await embedder.fit(DOCUMENTS);
    expect(embedder.dims).toBe(24);
    const docs = await embedder.embedDocuments(DOCUMENTS);
    expect(docs.rows).toBe(24);
    expect(docs.cols).toBe(24);
  });

  it('ranks the documents of a query topic above all others', async () => {
    // One dimension per topic, as in classic LSA.
    const embedder = new LsaEmbedder({ dims: 4, seed: 1 });
    await embedder.fit(DOCUMENTS);
    expect(embedder.dims).toBe(4);
    const docs = await embedder.embedDocuments(DOCUMENTS);
    const queries: Record<string, string> = {
      astronomy: 'Which planet has a moon in its orbit?',
      cooking: 'How long should I bake bread in the oven?',
      football: 'Which striker scored the goal for the team?',
      banking: 'How do I move money into my savings account at the bank?',
    };
    const embedded = await embedder.embedQueries(TOPIC_NAMES.map((name) => queries[name]));
    TOPIC_NAMES.forEach((name, t) => {
      const top = ranking(docs, row(embedded, t)).slice(0, 6);
      expect(top.map((i) => TOPIC_NAMES[Math.floor(i / 6)])).toEqual(Array(6).fill(name));
    });
  });

  it('embeds a fitted document as its TF-IDF row projected on the components (column norms = σ)', async () => {
    // All 24 dimensions: the decomposition is exact, so X·Vᵀ = U·Σ and column j has norm σ_j.
    const embedder = new LsaEmbedder({ dims: 24, seed: 3 });
    await embedder.fit(DOCUMENTS);
    const docs = await embedder.embedDocuments(DOCUMENTS);
    const sigma = embedder.singularValues;
    expect(sigma).not.toBeNull();
    for (let j = 0; j < docs.cols; j++) {
      let norm2 = 0;
      for (let i = 0; i < docs.rows; i++) norm2 += docs.data[i * docs.cols + j] ** 2;
      expect(Math.abs(Math.sqrt(norm2) / (sigma?.[j] ?? NaN) - 1)).toBeLessThan(1e-6);
    }
    // Queries and documents share one projection: the same text gives the same vector.
    const asQuery = await embedder.embedQueries([DOCUMENTS[5]]);
    expect(Array.from(asQuery.data)).toEqual(Array.from(row(docs, 5)));
    // Unknown words are ignored; a query with none known is the zero vector.
    const unknown = await embedder.embedQueries(['zzzz qqqq']);
    expect(Array.from(unknown.data).every((x) => x === 0)).toBe(true);
  });

  it('is deterministic for a seed; another seed finds nearly the same singular values', async () => {
    const fitted = async (seed: number) => {
      const embedder = new LsaEmbedder({ dims: 12, seed });
      await embedder.fit(DOCUMENTS);
      return { embedder, docs: await embedder.embedDocuments(DOCUMENTS) };
    };
    const a = await fitted(42);
    const b = await fitted(42);
    expect(new Uint8Array(b.docs.data.buffer)).toEqual(new Uint8Array(a.docs.data.buffer));
    const c = await fitted(43);
    const sa = a.embedder.singularValues ?? new Float64Array(0);
    const sc = c.embedder.singularValues ?? new Float64Array(0);
    expect(sc.length).toBe(12);
    // The four topic directions stand out and agree closely; the flat tail after them a little less so.
    for (let j = 0; j < 12; j++) expect(Math.abs(sc[j] - sa[j]) / sa[j]).toBeLessThan(j < 4 ? 1e-6 : 1e-3);
  });

  it('reports progress, honours cancellation and explains misuse', async () => {
    const embedder = new LsaEmbedder({ dims: 4 });
    await expect(embedder.embedQueries(['bank'])).rejects.toThrow(/call fit/);
    await expect(embedder.fit([])).rejects.toThrow(/empty corpus/);
    await expect(embedder.fit(['a I the', 'of and'])).rejects.toThrow(/no indexable words/);

    const events: ProgressEvent[] = [];
    await embedder.fit(DOCUMENTS, { onProgress: (e: ProgressEvent) => events.push(e) });
    expect(new Set(events.map((e) => e.stage))).toEqual(new Set(['LSA: fit']));
    // Never backwards: one bar from the TF-IDF to the last SVD pass.
    const fractions = events.map((e) => e.done / e.total);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);

    const controller = new AbortController();
    const cancelled = new LsaEmbedder({ dims: 4 }).fit(DOCUMENTS, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.done === 3) controller.abort(new Error('cancelled by test'));
      },
    });
    await expect(cancelled).rejects.toThrow('cancelled by test');
  });

  it('fits the Clinc150 training utterances in 256 dimensions', async () => {
    const url = new URL('../../../../shared/data/Clinc150/data_full.json', import.meta.url);
    const data = JSON.parse(readFileSync(url, 'utf8')) as { train: [string, string][] };
    const texts = data.train.map(([text]) => text);
    expect(texts).toHaveLength(15_000);
    const embedder = new LsaEmbedder();
    await embedder.fit(texts);
    expect(embedder.dims).toBe(256);
    const sigma = embedder.singularValues ?? new Float64Array(0);
    expect(sigma).toHaveLength(256);
    for (let j = 1; j < 256; j++) expect(sigma[j]).toBeLessThanOrEqual(sigma[j - 1]);
    expect(sigma[255]).toBeGreaterThan(0);
    const docs = await embedder.embedDocuments(texts);
    expect(docs.rows).toBe(15_000);
    expect(docs.cols).toBe(256);
    expect(docs.data.every((x) => Number.isFinite(x))).toBe(true);
    // An utterance is nearer to others of its own intent than to the average utterance.
    const query = await embedder.embedQueries(['what is the balance of my checking account']);
    const top = ranking(docs, row(query, 0)).slice(0, 10);
    const intents = top.map((i) => data.train[i][1]);
    expect(intents.filter((intent) => intent === 'balance').length).toBeGreaterThanOrEqual(5);
  });
});
