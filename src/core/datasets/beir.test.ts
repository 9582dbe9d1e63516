import { describe, expect, it } from 'vitest';
import { BEIR_DEFAULT_MAX_DOCUMENTS, beirParser } from './beir';
import { MAX_DATA_TEXT_CHARS, readDataText } from './dataText';
import { memoryFiles } from './memoryFiles';
import { loadDatasetWith } from './registry';
import type { DataFiles, Dataset } from './types';

const parser = beirParser({ name: 'toy', folder: 'toy' });

const CORPUS = [
  '{"_id": "d1", "title": "Title one", "text": "first text"}',
  '{"_id": "d2", "title": "", "text": "  second text "}',
  '{"_id": "d3", "text": "third, no title"}',
  '{"_id": "d4", "title": null, "text": "fourth"}',
].join('\n');
const QUERIES = [
  '{"_id": "q1", "text": "query one"}',
  '{"_id": "q2", "text": "query two", "metadata": {}}',
  '{"_id": "q3", "text": "never judged"}',
].join('\n');
const QRELS = 'query-id\tcorpus-id\tscore\nq2\td3\t2\nq1\td1\t1\nq1\td4\t0\nq2\td1\t1\n';

function folder(overrides: Record<string, string> = {}): DataFiles {
  return memoryFiles('/data/toy', {
    'corpus.jsonl': CORPUS,
    'queries.jsonl': QUERIES,
    'qrels/test.tsv': QRELS,
    ...overrides,
  });
}

async function load(overrides: Record<string, string> = {}): Promise<Dataset> {
  return loadDatasetWith(parser, folder(overrides));
}

async function failure(overrides: Record<string, string>): Promise<string> {
  const error = await load(overrides).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe('BEIR parser', () => {
  it('joins title and text, trimmed, and keeps every corpus line in file order', async () => {
    const dataset = await load();
    expect(dataset.task).toBe('search');
    expect(dataset.documents).toEqual([
      { id: 'd1', text: 'Title one first text' },
      { id: 'd2', text: 'second text' },
      { id: 'd3', text: 'third, no title' },
      { id: 'd4', text: 'fourth' },
    ]);
  });

  it('makes the judged queries, in qrels order, rank the whole corpus with the qrels scores', async () => {
    const dataset = await load();
    expect(dataset.queries.map((q) => [q.id, q.text])).toEqual([
      ['q2', 'query two'],
      ['q1', 'query one'],
    ]);
    for (const query of dataset.queries) expect([...query.candidates]).toEqual([0, 1, 2, 3]);
    // The parser reads the qrels scores; loading makes them binary, as the reference (score 2 → 1).
    expect([...(await parser.parse(folder(), {})).queries[0].labels]).toEqual([1, 0, 2, 0]);
    expect([...dataset.queries[0].labels]).toEqual([1, 0, 1, 0]);
    expect([...dataset.queries[1].labels]).toEqual([1, 0, 0, 0]); // d4 judged 0, d2 unjudged
    expect(dataset.notes).toEqual([
      '1 of the 3 queries in queries.jsonl have no judgments in qrels/test.tsv and are not used',
      'graded labels were made binary (relevant = label > 0), as the reference does: the metrics, the gold ' +
        'teacher and qrels.txt use 0/1',
    ]);
  });

  it('reads another split, accepts CRLF, a BOM, blank lines and extra qrels columns', async () => {
    const dev = beirParser({ name: 'toy', folder: 'toy', split: 'dev' });
    expect(dev.requiredFiles).toEqual(['corpus.jsonl', 'queries.jsonl', 'qrels/dev.tsv']);
    const dataset = await loadDatasetWith(
      dev,
      memoryFiles('/data/toy', {
        'corpus.jsonl': `\ufeff${CORPUS.replaceAll('\n', '\r\n')}\r\n\r\n`,
        'queries.jsonl': QUERIES,
        'qrels/dev.tsv': 'score\tquery-id\tcorpus-id\textra\r\n3\tq3\td2\tx\r\n',
      }),
    );
    expect(dataset.documents).toHaveLength(4);
    expect(dataset.queries.map((q) => q.id)).toEqual(['q3']);
    expect([...dataset.queries[0].labels]).toEqual([0, 1, 0, 0]); // score 3, made binary
  });

  it('caps a generic BEIR folder at 5,000 documents by default, keeping positives', async () => {
    expect(parser.defaultMaxDocuments).toBe(BEIR_DEFAULT_MAX_DOCUMENTS);
    const lines = Array.from({ length: 6_000 }, (_, i) => JSON.stringify({ _id: `d${i}`, text: `doc ${i}` }));
    const qrels = 'query-id\tcorpus-id\tscore\nq1\td5999\t1\nq1\td10\t0\nq2\td17\t1\n';
    const files = { 'corpus.jsonl': lines.join('\n'), 'qrels/test.tsv': qrels };
    const dataset = await load(files);
    expect(dataset.documents).toHaveLength(5_000);
    const kept = new Set(dataset.documents.map((d) => d.id));
    expect(kept.has('d5999') && kept.has('d17')).toBe(true);
    expect(dataset.queries[0].candidates).toHaveLength(5_000);
    expect(dataset.notes?.at(-1)).toMatch(/^document cap 5000: kept 5000 of 6000 documents/);

    const small = await loadDatasetWith(parser, folder(files), { maxDocuments: 10 });
    expect(small.documents).toHaveLength(10);
    const whole = await loadDatasetWith(parser, folder(files), { maxDocuments: Infinity });
    expect(whole.documents).toHaveLength(6_000);
  });

  it('names the missing files and where BEIR folders come from', async () => {
    const error = await loadDatasetWith(parser, memoryFiles('/data/toy', { 'corpus.jsonl': CORPUS })).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toContain('missing queries.jsonl, qrels/test.tsv in /data/toy');
    expect((error as Error).message).toContain('BEIR/datasets');
  });
});

describe('BEIR parser on bad input', () => {
  it('names the file and line of a malformed JSON line', async () => {
    const corpus = `${CORPUS}\n{"_id": "d5", "text": "unterminated}\n`;
    expect(await failure({ 'corpus.jsonl': corpus })).toMatch(
      /^\/data\/toy\/corpus\.jsonl: line 5 is not valid JSON \(/,
    );
    expect(await failure({ 'queries.jsonl': '["q1", "text"]' })).toBe(
      '/data/toy/queries.jsonl: line 1 is not a JSON object',
    );
  });

  it('names a missing or mistyped field', async () => {
    expect(await failure({ 'corpus.jsonl': '{"_id": "d1", "title": "t"}' })).toBe(
      '/data/toy/corpus.jsonl: line 1 has no "text" field',
    );
    expect(await failure({ 'corpus.jsonl': '{"text": "x"}' })).toBe(
      '/data/toy/corpus.jsonl: line 1 has no "_id" or "id" field',
    );
    expect(await failure({ 'corpus.jsonl': '{"_id": "d1", "title": 3, "text": "x"}' })).toBe(
      '/data/toy/corpus.jsonl: line 1 has a "title" that is not a string',
    );
    expect(await failure({ 'queries.jsonl': '{"_id": true, "text": "x"}' })).toBe(
      '/data/toy/queries.jsonl: line 1 has a "_id" that is not a non-empty string',
    );
  });

  it('accepts integer ids', async () => {
    const dataset = await load({
      'corpus.jsonl': '{"_id": 7, "text": "x"}',
      'queries.jsonl': '{"id": 1, "text": "q"}',
      'qrels/test.tsv': 'query-id\tcorpus-id\tscore\n1\t7\t1\n',
    });
    expect(dataset.documents[0].id).toBe('7');
    expect(dataset.queries[0].id).toBe('1');
  });

  it('refuses empty files', async () => {
    expect(await failure({ 'corpus.jsonl': '' })).toBe('/data/toy/corpus.jsonl is empty');
    expect(await failure({ 'queries.jsonl': '\n \n' })).toBe('/data/toy/queries.jsonl is empty');
    expect(await failure({ 'qrels/test.tsv': 'query-id\tcorpus-id\tscore\n' })).toBe(
      '/data/toy/qrels/test.tsv holds no judgments (only a header)',
    );
  });

  it('refuses repeated document and query ids, naming both lines', async () => {
    expect(await failure({ 'corpus.jsonl': `${CORPUS}\n{"_id": "d2", "text": "again"}` })).toBe(
      '/data/toy/corpus.jsonl: line 5 repeats the id "d2" of line 2; every document needs its own id',
    );
    expect(await failure({ 'queries.jsonl': `${QUERIES}\n{"_id": "q1", "text": "again"}` })).toBe(
      '/data/toy/queries.jsonl: line 4 repeats the id "q1" of line 1; every query needs its own id',
    );
  });

  it('refuses a qrels file without the BEIR header, a short line or a bad score', async () => {
    expect(await failure({ 'qrels/test.tsv': 'q1\td1\t1\n' })).toBe(
      '/data/toy/qrels/test.tsv: the header is "q1<TAB>d1<TAB>1"; expected the columns ' +
        "query-id<TAB>corpus-id<TAB>score (BEIR's qrels layout)",
    );
    expect(await failure({ 'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1 d1 1\n' })).toMatch(
      /qrels\/test\.tsv: line 2 has 1 tab-separated field\(s\)/,
    );
    expect(await failure({ 'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\thigh\n' })).toBe(
      '/data/toy/qrels/test.tsv: line 2 has the score "high"; expected a number',
    );
  });

  it('skips judgments of unknown documents or queries, and drops queries left with none, with notes', async () => {
    const qrels =
      'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\tgone\t1\nq2\tgone\t2\nq2\talso-gone\t1\nq9\td1\t1\nq1\td1\t2\n';
    const dataset = await load({ 'qrels/test.tsv': qrels });
    expect(dataset.queries.map((q) => q.id)).toEqual(['q1']);
    // The repeated pair keeps its last score (the parser's label; loading then makes it binary).
    expect((await parser.parse(folder({ 'qrels/test.tsv': qrels }), {})).queries[0].labels[0]).toBe(2);
    expect(dataset.notes).toEqual([
      'qrels/test.tsv: skipped 1 judgment(s) naming 1 query id(s) missing from queries.jsonl ("q9")',
      'qrels/test.tsv: skipped 3 judgment(s) naming 2 document id(s) missing from corpus.jsonl ("gone", "also-gone")',
      'qrels/test.tsv: 1 judgment(s) repeat an earlier (query, document) pair; the last score was kept',
      'dropped 1 query(ies) none of whose judged documents is in corpus.jsonl ("q2")',
      '1 of the 3 queries in queries.jsonl have no judgments in qrels/test.tsv and are not used',
      'graded labels were made binary (relevant = label > 0), as the reference does: the metrics, the gold ' +
        'teacher and qrels.txt use 0/1',
    ]);
  });

  it('refuses qrels that match nothing in the corpus', async () => {
    expect(await failure({ 'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\tx\t1\n' })).toBe(
      'no query of qrels/test.tsv has a judged document in corpus.jsonl; check that the qrels, queries and ' +
        'corpus files belong to the same dataset',
    );
  });

  it('refuses a file too large to be a dataset file, naming it', async () => {
    expect(MAX_DATA_TEXT_CHARS).toBe(2 ** 29);
    const stub: DataFiles = { ...folder(), readText: async () => 'x'.repeat(101) };
    await expect(readDataText(stub, 'corpus.jsonl', 100)).rejects.toThrow(
      '/data/toy/corpus.jsonl is too large: 101 characters, more than the 100 a dataset file may have; ' +
        'cut the source down before importing it',
    );
    await expect(readDataText(stub, 'corpus.jsonl', 101)).resolves.toHaveLength(101);
  });
});
