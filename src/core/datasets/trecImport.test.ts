import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderFiles } from '../../cli/dataFolder';
import { memoryFiles } from './memoryFiles';
import { loadDatasetWith } from './registry';
import { trecImportParser } from './trecImport';
import type { Dataset } from './types';

const parser = trecImportParser('robust-mini');

/** Writes a TREC folder under the system temp dir and returns its path. */
function trecFolder(contents: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'trec-'));
  for (const [name, text] of Object.entries(contents)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const QRELS = ['301 0 D3 1', '301 0 D1 0', '302\t0\tD2\t2', '', '301 0 D4 1', '302 0 D3 0'].join('\n');
const CORPUS_JSONL = [
  '{"_id": "D1", "title": "One", "text": "first"}',
  '{"id": "D2", "text": "second"}',
  '{"_id": "D3", "text": "third"}',
  '{"_id": "D4", "text": "fourth"}',
  '{"_id": "D5", "text": "never judged"}',
].join('\n');
const QUERIES_TSV =
  'id\ttext\n301\tinternational organized crime\n302\tpoliomyelitis\tand post-polio\n303\tunused\n';

async function load(contents: Record<string, string>): Promise<Dataset> {
  return loadDatasetWith(parser, folderFiles(trecFolder(contents)));
}

describe('TREC importer', () => {
  it('ranks each query against its judged documents, in qrels order, with the relevance as label', async () => {
    const dataset = await load({
      'qrels.txt': QRELS,
      'corpus.jsonl': CORPUS_JSONL,
      'queries.tsv': QUERIES_TSV,
    });
    expect(dataset.name).toBe('robust-mini');
    expect(dataset.task).toBe('search');
    expect(dataset.documents).toEqual([
      { id: 'D1', text: 'One first' },
      { id: 'D2', text: 'second' },
      { id: 'D3', text: 'third' },
      { id: 'D4', text: 'fourth' },
    ]);
    const [q301, q302] = dataset.queries;
    expect(q301).toMatchObject({ id: '301', text: 'international organized crime' });
    expect(q302.text).toBe('poliomyelitis\tand post-polio'); // split at the first tab only
    expect([...q301.candidates].map((d) => dataset.documents[d].id)).toEqual(['D3', 'D1', 'D4']);
    expect([...q301.labels]).toEqual([1, 0, 1]);
    expect([...q302.candidates].map((d) => dataset.documents[d].id)).toEqual(['D2', 'D3']);
    expect([...q302.labels]).toEqual([1, 0]); // relevance 2, made binary as the reference does
    expect(dataset.notes).toEqual([
      '1 of the 3 queries in queries.tsv have no judgments in qrels.txt and are not used',
      '1 of the 5 documents in corpus.jsonl are judged for no query and were left out (candidates are each ' +
        "query's judged documents)",
      'graded labels were made binary (relevant = label > 0), as the reference does: the metrics, the gold ' +
        'teacher and qrels.txt use 0/1',
    ]);
  });

  it('reads a qrels file named qrels, a TSV corpus and JSONL queries', async () => {
    const dataset = await load({
      qrels: '7 0 a 1\n7 0 b 0\n',
      'corpus.tsv': 'a\talpha text\nb\tbeta\n',
      'queries.jsonl': '{"_id": "7", "text": "seven"}\n',
    });
    expect(dataset.documents.map((d) => d.text)).toEqual(['alpha text', 'beta']);
    expect(dataset.queries).toHaveLength(1);
    expect(dataset.notes).toBeUndefined();
  });

  it('caps only when asked, keeping positives and dropping queries left without candidates', async () => {
    const files = folderFiles(
      trecFolder({ 'qrels.txt': QRELS, 'corpus.jsonl': CORPUS_JSONL, 'queries.tsv': QUERIES_TSV }),
    );
    const capped = await loadDatasetWith(parser, files, { maxDocuments: 3 });
    expect(capped.documents.map((d) => d.id)).toEqual(expect.arrayContaining(['D2', 'D3', 'D4']));
    expect(capped.documents).toHaveLength(3);
    expect(capped.queries[0].candidates).toHaveLength(2);
  });
});

describe('TREC importer on bad input', () => {
  const good = { 'qrels.txt': QRELS, 'corpus.jsonl': CORPUS_JSONL, 'queries.tsv': QUERIES_TSV };
  const failure = (contents: Record<string, string>) =>
    loadDatasetWith(parser, memoryFiles('/in/trec', contents)).then(
      () => 'no error',
      (e: Error) => e.message,
    );

  it('names the accepted file names when one is missing, and refuses two candidates', async () => {
    expect(await failure({ 'corpus.jsonl': CORPUS_JSONL, 'queries.tsv': QUERIES_TSV })).toMatch(
      /^missing the qrels file in \/in\/trec: expected qrels\.txt or qrels\. A trec: dataset is a folder with/,
    );
    expect(await failure({ 'qrels.txt': QRELS, 'queries.tsv': QUERIES_TSV })).toMatch(
      /missing the corpus file in \/in\/trec: expected corpus\.jsonl or corpus\.tsv/,
    );
    expect(await failure({ ...good, qrels: QRELS })).toBe(
      '/in/trec holds both qrels.txt and qrels; keep only the qrels file to import',
    );
  });

  it('names the line of a malformed qrels or TSV line', async () => {
    expect(await failure({ ...good, 'qrels.txt': '301 0 D1 1\n301 D1 1\n' })).toBe(
      '/in/trec/qrels.txt: line 2 has 3 field(s); a TREC qrels line is "query-id iteration document-id ' +
        'relevance", e.g. "301 0 FBIS3-10082 1"',
    );
    expect(await failure({ ...good, 'qrels.txt': '301 0 D1 yes\n' })).toBe(
      '/in/trec/qrels.txt: line 1 has the score "yes"; expected a number',
    );
    expect(await failure({ ...good, 'queries.tsv': '301 no tab here\n' })).toBe(
      '/in/trec/queries.tsv: line 1 has no tab; expected id<TAB>text',
    );
    expect(await failure({ ...good, 'queries.tsv': '\tno id\n' })).toBe(
      '/in/trec/queries.tsv: line 1 has an empty id',
    );
  });

  it('refuses empty files and repeated ids', async () => {
    expect(await failure({ ...good, 'qrels.txt': '\n' })).toBe('/in/trec/qrels.txt is empty');
    expect(await failure({ ...good, 'queries.tsv': 'id\ttext\n' })).toBe(
      '/in/trec/queries.tsv holds no queries',
    );
    expect(await failure({ ...good, 'queries.tsv': '301\ta\n302\tb\n301\tc\n' })).toBe(
      '/in/trec/queries.tsv: line 3 repeats the id "301" of line 1; every query needs its own id',
    );
    expect(await failure({ ...good, 'corpus.jsonl': `${CORPUS_JSONL}\n{"id": "D1", "text": "x"}` })).toBe(
      '/in/trec/corpus.jsonl: line 6 repeats the id "D1" of line 1; every document needs its own id',
    );
  });

  it('skips judgments of unknown documents with a note, and drops queries left without any', async () => {
    const dataset = await loadDatasetWith(
      parser,
      memoryFiles('/in/trec', { ...good, 'qrels.txt': `${QRELS}\n301 0 NOPE 1\n303 0 NOPE 1\n` }),
    );
    expect(dataset.queries.map((q) => q.id)).toEqual(['301', '302']);
    expect(dataset.notes).toContain(
      'qrels.txt: skipped 2 judgment(s) naming 1 document id(s) missing from corpus.jsonl ("NOPE")',
    );
    expect(dataset.notes).toContain(
      'dropped 1 query(ies) none of whose judged documents is in corpus.jsonl ("303")',
    );
  });
});
