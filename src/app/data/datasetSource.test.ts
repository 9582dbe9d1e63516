import { describe, expect, it } from 'vitest';
import { detectImport } from './datasetSource';
import { localDatasetFromFiles } from './readUserFiles';

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

  it("names a BEIR folder with a test split by its folder, unless the folder is NFCorpus's", async () => {
    const beir = ['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv'];
    for (const label of ['scifact', 'my-beir-data', 'fiqa'])
      expect(await detectImport(label, beir)).toEqual({ spec: { kind: 'beir', path: label } });
    for (const label of ['nfcorpus', 'NFCorpus', 'beir_nfcorpus', 'nfcorpus-test'])
      expect(await detectImport(label, beir)).toEqual({ spec: { kind: 'named', name: 'NFCorpus' } });
  });

  it('recognises every registered dataset by its files only in a folder named after it', async () => {
    const banking = ['train.csv', 'test.csv'];
    for (const label of ['Banking77', 'banking77', 'banking-77-data'])
      expect(await detectImport(label, banking)).toEqual({ spec: { kind: 'named', name: 'Banking77' } });
    // Any other folder with a train.csv and a test.csv is not Banking77; the message says why.
    await expect(detectImport('my-intents', banking)).rejects.toThrow(
      /not a dataset this app knows.*files of Banking77: name the folder/,
    );
    // With one CSV besides, the CSV import stays what it was.
    expect(await detectImport('splits', ['train.csv'])).toEqual({ spec: { kind: 'csv', path: 'train.csv' } });
    const clinc = ['data_full.json', 'clinc150_intent_mapping.csv'];
    expect(await detectImport('clinc150', clinc)).toEqual({ spec: { kind: 'named', name: 'Clinc150' } });
    expect(await detectImport('intents', clinc)).toEqual({
      spec: { kind: 'csv', path: 'clinc150_intent_mapping.csv' },
    });
    const argkp = ['dev', 'train'].flatMap((split) =>
      ['arguments', 'key_points', 'labels'].map((kind) => `kpm_data/${kind}_${split}.csv`),
    );
    expect(await detectImport('ArgKP21', argkp)).toEqual({ spec: { kind: 'named', name: 'ArgKP21' } });
    await expect(detectImport('debates', argkp)).rejects.toThrow(/files of ArgKP21/);
    // FollowIR's full layout in a folder not named after it is not FollowIR either.
    const all = ['Core17', 'Robust04', 'News21'].flatMap((s) => under(s, MTEB_PARQUET));
    await expect(detectImport('mteb-data', all)).rejects.toThrow(/files of FollowIR/);
  });

  it('labels dropped files by what they are: a BEIR folder by its name, NFCorpus as the registry names it', async () => {
    const file = (path: string) => ({ path, file: new File(['{}'], path.split('/').pop()!) });
    const folder = (name: string) =>
      ['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv'].map((p) => file(`${name}/${p}`));
    const scifact = await localDatasetFromFiles(folder('scifact'));
    expect(scifact.label).toBe('scifact');
    expect(scifact.spec).toEqual({ kind: 'beir', path: 'scifact' });
    expect(Object.keys(scifact.files).sort()).toEqual(['corpus.jsonl', 'qrels/test.tsv', 'queries.jsonl']);
    const nfcorpus = await localDatasetFromFiles(folder('nfcorpus'));
    expect(nfcorpus.label).toBe('NFCorpus');
    expect(nfcorpus.spec).toEqual({ kind: 'named', name: 'NFCorpus' });
  });
});
