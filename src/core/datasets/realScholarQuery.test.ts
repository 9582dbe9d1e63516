import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { folderFiles, loadDatasetFromDir } from '../../cli/dataFolder';
import { memoryFiles } from './memoryFiles';
import { REAL_SCHOLAR_QUERY_MAX_DOCUMENTS, realScholarQueryParser } from './realScholarQuery';
import { getDatasetParser, loadDataset } from './registry';
import type { DataFiles, Dataset, DatasetQuery, ParseOptions } from './types';
import { expectQueriesSortedByText } from '../../testing/datasets';

const FIXTURES = decodeURIComponent(new URL('./fixtures/', import.meta.url).pathname);
const FOLDER = `${FIXTURES}RealScholarQuery`;

const TEST_JSONL = 'RealScholarQuery/test.jsonl';
const ID2PAPER = 'paper_database/id2paper.json';
const ZIP = 'paper_database/cs_paper_2nd.zip';

/**
 * How the parser gets the zip: whole (`readBytes`, the files have no `readChunks`), or in 1,000-byte chunks
 * (`readChunks`; `readBytes` then fails), so that entries and headers straddle chunk boundaries.
 */
type ZipRead = 'readBytes' | 'readChunks';
const ZIP_READS: ZipRead[] = ['readBytes', 'readChunks'];

/** `files` whose `readBytes` fails, so that a test shows `readChunks` was used. */
function chunksOnly(files: DataFiles): DataFiles {
  return { ...files, readBytes: async (p) => Promise.reject(new Error(`readBytes(${p}) called`)) };
}

/** The fixture's files, with some replaced: strings are text files, byte arrays binary ones. */
function fixtureFiles(
  changes: Record<string, string | Uint8Array> = {},
  read: ZipRead = 'readBytes',
): DataFiles {
  const contents: Record<string, string | Uint8Array> = {
    [TEST_JSONL]: readFileSync(`${FOLDER}/${TEST_JSONL}`, 'utf8'),
    [ID2PAPER]: readFileSync(`${FOLDER}/${ID2PAPER}`, 'utf8'),
    [ZIP]: new Uint8Array(readFileSync(`${FOLDER}/${ZIP}`)),
    ...changes,
  };
  if (read === 'readChunks')
    return chunksOnly(memoryFiles('/x/RealScholarQuery', contents, { chunkBytes: 1000 }));
  const get = (p: string): string | Uint8Array => {
    const value = contents[p];
    if (value === undefined) throw new Error(`no ${p}`);
    return value;
  };
  return {
    location: '/x/RealScholarQuery',
    exists: async (p) => p in contents,
    readText: async (p) => {
      const value = get(p);
      return typeof value === 'string' ? value : new TextDecoder().decode(value);
    },
    readBytes: async (p) => {
      const value = get(p);
      return typeof value === 'string' ? strToU8(value) : value;
    },
  };
}

const loadWith = (
  changes: Record<string, string | Uint8Array> = {},
  options: ParseOptions = {},
  read: ZipRead = 'readBytes',
): Promise<Dataset> => loadDataset('RealScholarQuery', fixtureFiles(changes, read), options);

/** Ways to load the fixture folder: the Node folder reader (4 MiB chunks) and the in-memory reads. */
const FIXTURE_LOADERS: Array<[string, (options?: ParseOptions) => Promise<Dataset>]> = [
  [
    'the folder reader (readChunks)',
    (options) => loadDataset('RealScholarQuery', chunksOnly(folderFiles(FOLDER)), options),
  ],
  ['readBytes', (options) => loadWith({}, options, 'readBytes')],
  ['readChunks in 1,000-byte chunks', (options) => loadWith({}, options, 'readChunks')],
];

/** A zip of paper JSON files, as cs_paper_2nd.zip holds them. */
function paperZip(papers: Record<string, unknown>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, paper] of Object.entries(papers)) {
    entries[name] = strToU8(typeof paper === 'string' ? paper : JSON.stringify(paper));
  }
  return zipSync(entries);
}

function query(dataset: Dataset, id: string): DatasetQuery {
  const found = dataset.queries.find((q) => q.id === id);
  if (found === undefined) throw new Error(`no query ${id}`);
  return found;
}

/** The ids of the query's positive documents, in document order. */
function positives(dataset: Dataset, id: string): string[] {
  const q = query(dataset, id);
  return [...q.candidates].filter((_, i) => q.labels[i] > 0).map((doc) => dataset.documents[doc].id);
}

describe.each(FIXTURE_LOADERS)(
  'RealScholarQuery parser (CarlanLark/pasa-dataset layout), via %s',
  async (_, loadFixture) => {
    const dataset = await loadFixture();

    it('is registered with the PaSa files and the reference cap of 25,000 documents', () => {
      const parser = getDatasetParser('realscholarquery');
      expect(parser).toBe(realScholarQueryParser);
      expect(parser.requiredFiles).toEqual([TEST_JSONL, ID2PAPER, ZIP]);
      expect(parser.defaultMaxDocuments).toBe(25_000);
      expect(REAL_SCHOLAR_QUERY_MAX_DOCUMENTS).toBe(25_000);
    });

    it('makes every question a query over all documents, sorted by question', () => {
      expect(dataset.name).toBe('RealScholarQuery');
      expect(dataset.task).toBe('search');
      expect(dataset.instruction).toMatch(
        /^Given a fine-grained scientific inquiry, retrieve academic publications/,
      );
      expect(dataset.queries.map((q) => q.id)).toEqual([
        'RealScholarQuery_2',
        'RealScholarQuery_3',
        'RealScholarQuery_0',
        'RealScholarQuery_1',
      ]);
      expectQueriesSortedByText(dataset);
      expect(query(dataset, 'RealScholarQuery_1').text).toBe(
        'Which works refine a query embedding at test time using feedback from retrieved documents?',
      );
      for (const q of dataset.queries) {
        expect(q.candidates).toBeInstanceOf(Int32Array);
        expect(q.labels).toBeInstanceOf(Float32Array);
        expect([...q.candidates]).toEqual(dataset.documents.map((_, i) => i));
        expect(q.labels).toHaveLength(dataset.documents.length);
      }
      expect(dataset.queries[0].candidates).not.toBe(dataset.queries[1].candidates);
    });

    it('uses the abstracts of the zip papers listed in id2paper as documents, in zip order', () => {
      // 30 zip entries: one title id2paper lacks, one empty abstract, one abstract shared by two papers.
      expect(dataset.documents).toHaveLength(27);
      expect(dataset.documents[0]).toEqual({
        id: '2401.10000',
        text:
          'We show that pruning a pre-training corpus to its most informative half yields a language model that ' +
          'matches one trained on the full corpus.',
      });
      expect(dataset.documents[1].id).toBe('2402.10037'); // the stored (uncompressed) entry
      // A title listed under two ids belongs to the last one (the reference reverses id2paper).
      expect(dataset.documents[26].id).toBe('2406.20004');
      const ids = dataset.documents.map((d) => d.id);
      expect(ids).not.toContain('2403.20001'); // same abstract as 2404.10111, merged into it
      expect(ids).not.toContain('2404.20002'); // empty abstract
      expect(new Set(dataset.documents.map((d) => d.text)).size).toBe(27);
    });

    it('labels the papers of answer_arxiv_id, skipping answers without an abstract', () => {
      expect(positives(dataset, 'RealScholarQuery_0')).toEqual(['2401.10000', '2403.10074', '2404.10111']);
      expect(positives(dataset, 'RealScholarQuery_1')).toEqual(['2411.10370', '2412.10407', '2401.10444']);
      expect(positives(dataset, 'RealScholarQuery_2')).toEqual(['2406.20004']);
      expect(positives(dataset, 'RealScholarQuery_3')).toEqual(['2410.10777', '2411.10814']);
      expect(dataset.notes).toEqual([
        'skipped 1 zip entry(ies) whose title paper_database/id2paper.json does not list ("An Unlisted Paper")',
        'skipped 1 paper(s) without an abstract',
        '1 paper(s) share their abstract with an earlier paper and are merged',
        'skipped 3 answer reference(s) to 3 paper(s) without an abstract in paper_database/cs_paper_2nd.zip ' +
          '(2405.20003, 2404.20002, 2301.00005)',
      ]);
    });

    it('caps the papers as the reference does, keeping its exact sample', async () => {
      const capped = await loadFixture({ maxDocuments: 12 });
      // The reference's all_data has 29 papers (one without an abstract, two sharing one); its gold set 10
      // (2404.20002 has no abstract); random.Random(42).sample(sorted(the 19 others), 2) = ['2402.10925',
      // '2401.10888'] (CPython 3.11). So 9 positive documents and those 2.
      const sampled = ['2401.10888', '2402.10925'];
      const expected = dataset.documents.filter(
        (doc, d) =>
          sampled.includes(doc.id) || dataset.queries.some((q) => q.labels[q.candidates.indexOf(d)] > 0),
      );
      expect(capped.documents.map((d) => d.id)).toEqual(expected.map((d) => d.id));
      expect(capped.documents).toHaveLength(11);
      for (const id of [
        'RealScholarQuery_0',
        'RealScholarQuery_1',
        'RealScholarQuery_2',
        'RealScholarQuery_3',
      ]) {
        expect(positives(capped, id)).toEqual(positives(dataset, id));
        expect(query(capped, id).candidates).toHaveLength(11);
      }
      expect(capped.notes?.at(-1)).toBe(
        "document cap 12: kept 12 of 29 papers (all 10 answer papers and the reference's sample of the " +
          "others, Python's random.Random(42) over their sorted arXiv ids), 11 documents",
      );
      // Cap 20: random.Random(42).sample(sorted(the 19 others), 10), all of them documents (CPython 3.11).
      const roomier = await loadFixture({ maxDocuments: 20 });
      expect(roomier.documents).toHaveLength(19);
      expect(roomier.documents.map((d) => d.id)).toEqual(
        expect.arrayContaining([
          ...['2402.10925', '2401.10888', '2405.10592', '2405.10148', '2412.10851'],
          ...['2402.10481', '2407.10222', '2402.10037', '2406.10629', '2409.10740'],
        ]),
      );
    });

    it('keeps only the answer papers when they alone exceed the cap', async () => {
      const capped = await loadFixture({ maxDocuments: 5 });
      expect(capped.documents).toHaveLength(9);
      expect(capped.queries).toHaveLength(4);
      expect(capped.notes?.at(-1)).toBe(
        'document cap 5: the 10 answer papers exceed it; kept all of them and no others (9 documents)',
      );
      const uncapped = await loadFixture({ maxDocuments: Infinity });
      expect(uncapped.documents).toHaveLength(27);
    });

    it('reads the fixture folder through the Node folder reader', async () => {
      const files = folderFiles(FOLDER);
      expect(await files.exists(ZIP)).toBe(true);
      const fromDir = await loadDatasetFromDir('RealScholarQuery', FIXTURES);
      expect(fromDir.documents).toEqual(dataset.documents);
      expect(fromDir.queries).toEqual(dataset.queries);
      expect(fromDir.notes).toEqual(dataset.notes);
    });
  },
);

describe.each(ZIP_READS)('RealScholarQuery parser errors (zip via %s)', (read) => {
  const load = (changes: Record<string, string | Uint8Array> = {}) => loadWith(changes, {}, read);

  it('reports malformed test.jsonl lines and fields with the file and line', async () => {
    const lines = readFileSync(`${FOLDER}/${TEST_JSONL}`, 'utf8').trimEnd().split('\n');
    await expect(load({ [TEST_JSONL]: `${lines[0]}\n{"question": ` })).rejects.toThrow(
      /\/x\/RealScholarQuery\/RealScholarQuery\/test\.jsonl: line 2 is not valid JSON/,
    );
    await expect(load({ [TEST_JSONL]: `${lines[0]}\n{"answer_arxiv_id": []}` })).rejects.toThrow(
      /test\.jsonl: line 2 has no "question" field/,
    );
    await expect(load({ [TEST_JSONL]: '{"question": "q"}' })).rejects.toThrow(
      /test\.jsonl: line 1 has no "answer_arxiv_id" field/,
    );
    await expect(
      load({ [TEST_JSONL]: '{"question": "q", "answer_arxiv_id": "2401.10000"}' }),
    ).rejects.toThrow(/line 1 has an "answer_arxiv_id" that is not a list of arXiv id strings/);
  });

  it('names the query line id when qid is missing, and keeps the later of two equal questions', async () => {
    const text =
      '{"question": "Same question", "answer_arxiv_id": ["2401.10000"]}\n' +
      '{"question": "Other question", "answer_arxiv_id": ["2402.10037"], "qid": "Q2"}\n' +
      '{"question": "Same question", "answer_arxiv_id": ["2403.10074"]}\n';
    const dataset = await load({ [TEST_JSONL]: text });
    expect(dataset.queries.map((q) => q.id)).toEqual(['Q2', 'line-3']);
    expect(positives(dataset, 'line-3')).toEqual(['2403.10074']);
    expect(dataset.notes).toContain(
      "1 question(s) repeat an earlier line's question; the later line is kept",
    );
  });

  it('reports a malformed id2paper.json', async () => {
    await expect(load({ [ID2PAPER]: '{"2401.10000": ' })).rejects.toThrow(
      /\/x\/RealScholarQuery\/paper_database\/id2paper\.json is not valid JSON/,
    );
    await expect(load({ [ID2PAPER]: '["2401.10000"]' })).rejects.toThrow(
      /id2paper\.json is not a JSON object of arXiv id → title/,
    );
    await expect(load({ [ID2PAPER]: '{"2401.10000": 5}' })).rejects.toThrow(
      /id2paper\.json: the title of "2401.10000" is 5, not a string/,
    );
  });

  it('reports a malformed paper file with the zip entry', async () => {
    const zip = paperZip({ smalldatastrongmodels: '{"title": "Small Data, Strong Models", "abstract": ' });
    await expect(load({ [ZIP]: zip })).rejects.toThrow(
      /cs_paper_2nd\.zip: entry "smalldatastrongmodels" is not valid UTF-8 JSON/,
    );
    await expect(load({ [ZIP]: paperZip({ untitled: { abstract: 'No title here.' } }) })).rejects.toThrow(
      /entry "untitled" has no "title" field/,
    );
    await expect(load({ [ZIP]: paperZip({ listed: '[1, 2]' }) })).rejects.toThrow(
      /entry "listed" is not a JSON object/,
    );
  });

  it('rejects a zip without paper files, a file that is not a zip and a truncated zip', async () => {
    await expect(load({ [ZIP]: zipSync({}) })).rejects.toThrow(
      /cs_paper_2nd\.zip holds no paper files; expected one JSON file per paper/,
    );
    await expect(load({ [ZIP]: strToU8('this is not a zip archive') })).rejects.toThrow(
      /cs_paper_2nd\.zip is not a complete zip archive \(it has no end-of-central-directory record\)/,
    );
    const full = new Uint8Array(readFileSync(`${FOLDER}/${ZIP}`));
    await expect(load({ [ZIP]: full.subarray(0, 1000) })).rejects.toThrow(
      /cs_paper_2nd\.zip is not a complete zip archive/,
    );
    const unrelated = paperZip({ a: { title: 'Unlisted', abstract: 'Text.' } });
    await expect(load({ [ZIP]: unrelated })).rejects.toThrow(
      /none of its 1 paper file\(s\) has both a title listed in paper_database\/id2paper\.json and an abstract/,
    );
  });

  it('fails when no question keeps an answer paper with an abstract', async () => {
    const zip = paperZip({
      lessismoreforinstructiontuning: { title: 'Less Is More for Instruction Tuning', abstract: 'Tuning.' },
    });
    const text = '{"question": "q", "answer_arxiv_id": ["2401.10000", "9999.99999"], "qid": "q0"}\n';
    await expect(load({ [ZIP]: zip, [TEST_JSONL]: text })).rejects.toThrow(
      /no question has an answer paper with an abstract \(2 answer reference\(s\) to 2 paper\(s\)/,
    );
  });
});
