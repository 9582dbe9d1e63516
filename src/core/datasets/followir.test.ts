import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetFolder, loadDatasetFromDir } from '../../cli/dataFolder';
import { followIRCore17Parser, followIRParser } from './followir';
import { getDatasetParser, loadDataset } from './registry';
import { memoryFiles } from './memoryFiles';
import type { Dataset, DatasetQuery } from './types';
import { SHARED_DATA_DIR } from '../../testing/sharedFolder';
import { expectQueriesSortedByText } from '../../testing/datasets';

const FIXTURES = decodeURIComponent(new URL('./fixtures/', import.meta.url).pathname);

function query(dataset: Dataset, id: string): DatasetQuery {
  const found = dataset.queries.find((q) => q.id === id);
  if (found === undefined) throw new Error(`no query ${id}`);
  return found;
}

/** The query's candidates as [document id, label] pairs. */
function judged(dataset: Dataset, id: string): Array<[string, number]> {
  const q = query(dataset, id);
  return [...q.candidates].map((doc, i) => [dataset.documents[doc].id, q.labels[i]]);
}

const CORE17_307_OG =
  'A relevant document names a hydroelectric project that is planned or under construction and says where it is.';

describe('FollowIR parser (JSONL layout of jhu-clsp/*-instructions)', async () => {
  const core17 = await loadDatasetFromDir('FollowIR-Core17', FIXTURES);

  it('registers the combined set and one parser per subset, all in the FollowIR folder', () => {
    for (const name of ['FollowIR', 'FollowIR-Core17', 'FollowIR-Robust04', 'FollowIR-News21']) {
      const parser = getDatasetParser(name);
      expect(parser.folder).toBe('FollowIR');
      expect(parser.task).toBe('search');
    }
    expect(followIRCore17Parser.requiredFiles).toEqual([
      'Core17/corpus.jsonl',
      'Core17/queries.jsonl',
      'Core17/qrels_og/test.jsonl',
      'Core17/qrels_changed/test.jsonl',
    ]);
    expect(followIRParser.requiredFiles).toHaveLength(12);
  });

  it('makes an -og and a -changed query per judged topic, sorted by text', () => {
    expect(core17.name).toBe('FollowIR-Core17');
    expect(core17.instruction).toBe('Retrieve text based on a fine-grained user query.');
    // Topic 399 has no qrels rows and is left out.
    expect(core17.queries.map((q) => q.id)).toEqual(['307-og', '307-changed', '310-changed', '310-og']);
    expectQueriesSortedByText(core17);
    expect(query(core17, '307-og').text).toBe(`New Hydroelectric Projects\n${CORE17_307_OG}`);
    expect(query(core17, '307-changed').text).toBe(
      'New Hydroelectric Projects\nA relevant document names a hydroelectric project that is planned or under ' +
        'construction, says where it is and gives its projected cost.',
    );
  });

  it('builds documents from the judged corpus rows only, as title + "\\n" + text', () => {
    // 1006 has the text of 1002 and is merged into it; 1008 is not judged.
    expect(core17.documents.map((d) => d.id)).toEqual(['1001', '1002', '1003', '1004', '1005', '1007']);
    expect(core17.documents[0].text).toBe(
      'Dam Planned on the Upper River\nOfficials approved a dam with a 400-megawatt turbine hall; it will cost ' +
        'about 2 billion dollars.',
    );
    expect(core17.documents[2].text).toContain('Zürich');
    expect(core17.documents[3].text).toBe('\nA wind farm, not a dam, was opened on the coast.'); // title ""
    expect(core17.documents[5].text).toBe(
      '\nAn editorial argued that cell towers should be moved away from schools.', // title null
    );
  });

  it('takes candidates from the version’s qrels in row order, label = score > 0, each document once', () => {
    expect(judged(core17, '307-og')).toEqual([
      ['1001', 1], // score 2 → 1
      ['1002', 0],
      ['1003', 1],
      ['1004', 0],
    ]);
    expect(judged(core17, '307-changed')).toEqual([
      ['1001', 1],
      ['1002', 0],
      ['1003', 0],
      ['1004', 0],
    ]);
    expect(judged(core17, '310-og')).toEqual([
      ['1005', 1],
      ['1002', 0], // row 1006, same text as 1002
      ['1007', 1],
    ]);
    // 1006 and 1002 are one document, listed once with the first row's label.
    expect(judged(core17, '310-changed')).toEqual([
      ['1005', 1],
      ['1002', 0],
      ['1007', 0],
    ]);
    for (const q of core17.queries) {
      expect(q.candidates).toBeInstanceOf(Int32Array);
      expect(q.labels).toBeInstanceOf(Float32Array);
      expect(q.labels).toHaveLength(q.candidates.length);
    }
  });

  it('joins the three subsets as the reference does, with subset-prefixed ids', async () => {
    const all = await loadDatasetFromDir('FollowIR', FIXTURES);
    expect(all.name).toBe('FollowIR');
    // Robust04's 310-og has the text of Core17's 310-og and replaces it (the reference's dict.update).
    expect(all.queries.map((q) => q.id)).toEqual([
      'News21/812-changed',
      'News21/812-og',
      'Core17/307-og',
      'Core17/307-changed',
      'Core17/310-changed',
      'Robust04/310-og',
      'Robust04/310-changed',
      'News21/811-og',
      'News21/811-changed',
      'Robust04/321-changed',
      'Robust04/321-og',
    ]);
    expectQueriesSortedByText(all);
    expect(all.documents).toHaveLength(6 + 5 + 4);
    expect(new Set(all.documents.map((d) => d.id)).size).toBe(15);
    expect(all.documents[0].id).toBe('Core17/1001');
    expect(judged(all, 'Robust04/310-og')).toEqual([
      ['Robust04/FBIS3-101', 1],
      ['Robust04/FT921-1', 1],
      ['Robust04/FBIS3-104', 0],
    ]);
    expect(judged(all, 'News21/812-changed')).toEqual([
      ['News21/5f1a9c2e-0003', 1],
      ['News21/5f1a9c2e-0004', 0],
    ]);
  });

  it('names the missing subset files before parsing', async () => {
    const files = memoryFiles('/x/FollowIR', { 'Core17/corpus.jsonl': '' });
    await expect(loadDataset('FollowIR-Core17', files)).rejects.toThrow(
      /missing Core17\/queries\.jsonl, Core17\/qrels_og\/test\.jsonl, Core17\/qrels_changed\/test\.jsonl in \/x\/FollowIR.*jhu-clsp\/core17-instructions/,
    );
  });
});

describe('FollowIR parser errors', () => {
  const topic = JSON.stringify({
    _id: '1',
    text: 'Query',
    instruction_og: 'Original.',
    instruction_changed: 'Changed.',
  });
  const corpus = [
    JSON.stringify({ _id: 'd1', title: 'T', text: 'one' }),
    JSON.stringify({ _id: 'd2', title: 'T', text: 'two' }),
  ].join('\n');
  const qrels = [
    JSON.stringify({ 'query-id': '1', 'corpus-id': 'd1', score: 1 }),
    JSON.stringify({ 'query-id': '1', 'corpus-id': 'd2', score: 0 }),
  ].join('\n');
  const valid: Record<string, string> = {
    'News21/corpus.jsonl': corpus,
    'News21/queries.jsonl': topic,
    'News21/qrels_og/test.jsonl': qrels,
    'News21/qrels_changed/test.jsonl': qrels,
  };
  const load = (changes: Record<string, string>): Promise<Dataset> =>
    loadDataset('FollowIR-News21', memoryFiles('/x/FollowIR', { ...valid, ...changes }));

  it('parses the minimal valid folder', async () => {
    const dataset = await load({});
    expect(dataset.queries.map((q) => q.id)).toEqual(['1-changed', '1-og']);
    expect(dataset.documents.map((d) => d.text)).toEqual(['T\none', 'T\ntwo']);
  });

  it('reports malformed JSON with the file and line', async () => {
    await expect(load({ 'News21/qrels_og/test.jsonl': `${qrels}\n{"query-id": "1",` })).rejects.toThrow(
      /\/x\/FollowIR\/News21\/qrels_og\/test\.jsonl: line 3 is not valid JSON/,
    );
  });

  it('reports missing fields with the file and line', async () => {
    const noInstruction = JSON.stringify({ _id: '1', text: 'Query', instruction_og: 'Original.' });
    await expect(load({ 'News21/queries.jsonl': noInstruction })).rejects.toThrow(
      /News21\/queries\.jsonl: line 1 has no "instruction_changed" field/,
    );
    const noScore = JSON.stringify({ 'query-id': '1', 'corpus-id': 'd1' });
    await expect(load({ 'News21/qrels_changed/test.jsonl': noScore })).rejects.toThrow(
      /qrels_changed\/test\.jsonl: line 1 has no "score" field/,
    );
    const badScore = JSON.stringify({ 'query-id': '1', 'corpus-id': 'd1', score: 'high' });
    await expect(load({ 'News21/qrels_changed/test.jsonl': badScore })).rejects.toThrow(
      /line 1 has a "score" that is not a number/,
    );
    await expect(load({ 'News21/corpus.jsonl': JSON.stringify({ _id: 'd1', title: 'T' }) })).rejects.toThrow(
      /News21\/corpus\.jsonl: line 1 has no "text" field/,
    );
  });

  it('rejects qrels that name an unknown query or document', async () => {
    const unknownQuery = JSON.stringify({ 'query-id': '7', 'corpus-id': 'd1', score: 1 });
    await expect(load({ 'News21/qrels_og/test.jsonl': unknownQuery })).rejects.toThrow(
      /qrels_og\/test\.jsonl: line 1 names query-id "7", not an _id of queries\.jsonl/,
    );
    const unknownDoc = JSON.stringify({ 'query-id': '1', 'corpus-id': 'd9', score: 1 });
    await expect(load({ 'News21/qrels_og/test.jsonl': unknownDoc })).rejects.toThrow(
      /News21\/corpus\.jsonl lacks judged document\(s\) d9 named in the qrels files/,
    );
  });

  it('rejects a repeated query id', async () => {
    await expect(load({ 'News21/queries.jsonl': `${topic}\n${topic}` })).rejects.toThrow(
      /queries\.jsonl: line 2 repeats the query _id "1"/,
    );
  });
});

// The real subsets, when they are staged in the shared data folder (SOURCE.md: not staged yet).
const SIZES = { Core17: 40, Robust04: 104, News21: 64 } as const;
describe.each(Object.entries(SIZES))('FollowIR-%s from the shared data folder', (subset, queries) => {
  const present = existsSync(`${SHARED_DATA_DIR}/FollowIR/${subset}/queries.jsonl`);
  it.skipIf(!present)(`has ${queries} queries (og + changed) with judged candidates`, async () => {
    const name = `FollowIR-${subset}`;
    const dataset = await loadDataset(name, datasetFolder(SHARED_DATA_DIR, getDatasetParser(name)));
    expect(dataset.queries).toHaveLength(queries);
    for (const q of dataset.queries) expect(q.candidates.length).toBeGreaterThan(0);
  });
});
