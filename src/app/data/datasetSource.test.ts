import { describe, expect, it } from 'vitest';
import { detectImport } from './datasetSource';

/** mteb's parquet repository of one FollowIR subset, as `datasets.push_to_hub` names its files. */
const MTEB_PARQUET = [
  'corpus/test-00000-of-00002.parquet',
  'corpus/test-00001-of-00002.parquet',
  'queries/test-00000-of-00001.parquet',
  'instruction/test-00000-of-00001.parquet',
  'data/test-00000-of-00001.parquet',
  'README.md',
];
const under = (folder: string, paths: string[]) => paths.map((p) => `${folder}/${p}`);

describe('detectImport', () => {
  it('recognises a dropped FollowIR folder in the mteb parquet layout, all subsets or one', async () => {
    const all = ['Core17', 'Robust04', 'News21'].flatMap((s) => under(s, MTEB_PARQUET));
    expect(await detectImport('FollowIR', all)).toEqual({ spec: { kind: 'named', name: 'FollowIR' } });
    expect(await detectImport('FollowIR', under('Core17', MTEB_PARQUET))).toEqual({
      spec: { kind: 'named', name: 'FollowIR-Core17' },
    });
  });

  it("recognises one subset's own folder by its name, and moves its files under it", async () => {
    expect(await detectImport('News21InstructionRetrieval', MTEB_PARQUET)).toEqual({
      spec: { kind: 'named', name: 'FollowIR-News21' },
      folder: 'News21',
    });
    // The JSONL layout too.
    const jsonl = ['corpus.jsonl', 'queries.jsonl', 'qrels_og/test.jsonl', 'qrels_changed/test.jsonl'];
    expect(await detectImport('robust04-instructions', jsonl)).toEqual({
      spec: { kind: 'named', name: 'FollowIR-Robust04' },
      folder: 'Robust04',
    });
  });

  it('a parquet folder without the qrels is not FollowIR; a missing shard says so', async () => {
    const noQrels = MTEB_PARQUET.filter((p) => !p.startsWith('data/'));
    await expect(detectImport('Core17', noQrels)).rejects.toThrow(/not a dataset this app knows/);
    const missingShard = MTEB_PARQUET.filter((p) => p !== 'corpus/test-00001-of-00002.parquet');
    await expect(detectImport('Core17', missingShard)).rejects.toThrow(/test-00001-of-00002\.parquet/);
  });

  it('still finds BEIR, TREC and CSV imports', async () => {
    expect(await detectImport('scifact', ['corpus.jsonl', 'queries.jsonl', 'qrels/dev.tsv'])).toEqual({
      spec: { kind: 'beir', path: 'scifact' },
    });
    expect(await detectImport('mine', ['qrels.txt', 'corpus.tsv', 'queries.tsv'])).toEqual({
      spec: { kind: 'trec', path: 'mine' },
    });
    expect(await detectImport('intents', ['intents.csv'])).toEqual({
      spec: { kind: 'csv', path: 'intents.csv' },
    });
  });
});
