import { describe, expect, it } from 'vitest';
import { BEIR_DEFAULT_MAX_DOCUMENTS } from './beir';
import { datasetSpecSlug, parseDatasetSpec, parserForSpec } from './datasetSpec';

describe('parseDatasetSpec', () => {
  it('reads a registered name, and imports with a kind and a path', () => {
    expect(parseDatasetSpec(' NFCorpus ')).toEqual({ kind: 'named', name: 'NFCorpus' });
    expect(parseDatasetSpec('beir:data/scifact')).toEqual({ kind: 'beir', path: 'data/scifact' });
    expect(parseDatasetSpec('TREC:/abs/robust04/')).toEqual({ kind: 'trec', path: '/abs/robust04/' });
    expect(parseDatasetSpec('csv:my file: v2.csv')).toEqual({ kind: 'csv', path: 'my file: v2.csv' });
    expect(parseDatasetSpec('csv:C:\\data\\x.csv')).toEqual({ kind: 'csv', path: 'C:\\data\\x.csv' });
    // A one-letter prefix is a drive letter, not a kind: it stays a name (and fails later as unknown).
    expect(parseDatasetSpec('C:\\data')).toEqual({ kind: 'named', name: 'C:\\data' });
  });

  it('says what is wrong with an unknown kind, a missing path or an empty value', () => {
    expect(() => parseDatasetSpec('tsv:x.tsv')).toThrow(
      'unknown dataset kind "tsv:" in "tsv:x.tsv"; the kinds are beir:, trec:, csv: (or a dataset name)',
    );
    expect(() => parseDatasetSpec('beir:')).toThrow(
      '"beir:" needs a path after "beir:": a BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv',
    );
    expect(() => parseDatasetSpec('  ')).toThrow(/the dataset is empty/);
  });
});

describe('parserForSpec', () => {
  it('finds registered datasets and names imports after the last path segment', () => {
    expect(parserForSpec({ kind: 'named', name: 'nfcorpus' }).name).toBe('NFCorpus');
    expect(() => parserForSpec({ kind: 'named', name: 'nope' })).toThrow(
      /unknown dataset "nope"; known datasets:/,
    );
    const beir = parserForSpec({ kind: 'beir', path: '/data/beir/scifact/' });
    expect(beir.name).toBe('scifact');
    expect(beir.defaultMaxDocuments).toBe(BEIR_DEFAULT_MAX_DOCUMENTS);
    expect(parserForSpec({ kind: 'trec', path: 'C:\\trec\\robust' }).name).toBe('robust');
    const csv = parserForSpec({ kind: 'csv', path: 'in/intents.csv' });
    expect(csv.name).toBe('intents');
    expect(csv.requiredFiles).toEqual(['intents.csv']);
  });

  it('makes file-name-safe slugs', () => {
    expect(datasetSpecSlug({ kind: 'named', name: 'NFCorpus' })).toBe('NFCorpus');
    expect(datasetSpecSlug({ kind: 'csv', path: '/x/my intents.csv' })).toBe('csv-my-intents');
    expect(datasetSpecSlug({ kind: 'beir', path: '../beir/scifact/' })).toBe('beir-scifact');
  });
});
