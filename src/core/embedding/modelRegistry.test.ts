import { describe, expect, it } from 'vitest';
import { EMBEDDING_MODELS, findRegisteredModel, resolveEmbeddingModel } from './modelRegistry';
import { poolTokens } from './pooling';
import { applyTemplate, DEFAULT_QUERY_TEMPLATE, unescapeTemplate, validateTemplate } from './templates';

describe('model registry', () => {
  it('has the paper default and the small models, found by name, Hub id or original id', () => {
    const qwen = findRegisteredModel('qwen/qwen3-embedding-0.6b');
    expect(qwen?.name).toBe('Qwen3-Embedding-0.6B');
    expect(qwen?.pooling).toBe('last_token');
    expect(qwen?.templates.query).toBe('Instruct: {instruction}\nQuery: {text}');
    expect(findRegisteredModel('Xenova/all-MiniLM-L6-v2')?.pooling).toBe('mean');
    expect(findRegisteredModel('bge-small-en-v1.5')?.pooling).toBe('cls');
    expect(EMBEDDING_MODELS.some((m) => /e5|gte/.test(m.name))).toBe(true);
    for (const m of EMBEDDING_MODELS) {
      validateTemplate(m.templates.query, m.name);
      validateTemplate(m.templates.document, m.name);
    }
  });

  it('resolves registered models, Hub ids and folders, with overrides', () => {
    const bge = resolveEmbeddingModel('BAAI/bge-small-en-v1.5', { queryTemplate: 'q: {text}' });
    expect(bge).toMatchObject({
      registeredName: 'bge-small-en-v1.5',
      source: { kind: 'hub', id: 'Xenova/bge-small-en-v1.5' },
      revision: 'main',
      pooling: 'cls',
      dims: 384,
      templates: { query: 'q: {text}', document: '{text}' },
    });
    const hub = resolveEmbeddingModel('someone/encoder', { pooling: 'mean', revision: 'abc' });
    expect(hub).toMatchObject({ source: { kind: 'hub', id: 'someone/encoder' }, revision: 'abc' });
    expect(hub.templates.query).toBe(DEFAULT_QUERY_TEMPLATE);
    expect(resolveEmbeddingModel('./models/x', { pooling: 'cls' }).source).toEqual({
      kind: 'folder',
      path: './models/x',
    });
    expect(() => resolveEmbeddingModel('someone/encoder')).toThrow(
      /not in the registry, so its pooling must be given/,
    );
    expect(() => resolveEmbeddingModel('not a model')).toThrow(/unknown embedding model "not a model"/);
    expect(() => resolveEmbeddingModel('gte-small', { documentTemplate: '{txt}' })).toThrow(
      /unknown placeholder \{txt\}/,
    );
  });
});

describe('templates', () => {
  it('fills {text} and {instruction} once, leaving braces in the text alone', () => {
    expect(applyTemplate(DEFAULT_QUERY_TEMPLATE, 'what is {instruction}?', 'Find it')).toBe(
      'Instruct: Find it\nQuery: what is {instruction}?',
    );
    expect(unescapeTemplate('a\\nb\\tc\\\\n')).toBe('a\nb\tc\\n');
  });
});

describe('poolTokens', () => {
  // Two texts, 3 positions, 2 dims; the second text has one padded position (right padding).
  const hidden = Float32Array.of(1, 0, 3, 0, 5, 2, /* text 2 */ 2, 2, 4, 0, 99, 99);
  const mask = [1, 1, 1, 1, 1, 0];
  it('mean, cls and last_token skip padding', () => {
    expect(Array.from(poolTokens(hidden, [2, 3, 2], mask, 'mean', false))).toEqual([
      3,
      Math.fround(2 / 3),
      3,
      1,
    ]);
    expect(Array.from(poolTokens(hidden, [2, 3, 2], mask, 'cls', false))).toEqual([1, 0, 2, 2]);
    expect(Array.from(poolTokens(hidden, [2, 3, 2], mask, 'last_token', false))).toEqual([5, 2, 4, 0]);
    // Left padding: the last real token is the last position.
    const left = poolTokens(Float32Array.of(9, 9, 3, 4), [1, 2, 2], [0n, 1n], 'last_token', true);
    expect(Array.from(left)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });
});
