import { describe, expect, it } from 'vitest';
import { DATASET_PARSERS } from './registry';
import { mirroredUrl, REMOTE_DATASETS, remoteDataset, remoteFileTargets } from './sources';

describe('REMOTE_DATASETS', () => {
  it('covers every registered dataset that reads files, writing exactly its required files', () => {
    for (const parser of DATASET_PARSERS) {
      const remote = remoteDataset(parser.name);
      if (parser.requiredFiles.length === 0) {
        expect(remote, parser.name).toBeUndefined(); // the built-in demo
        continue;
      }
      expect(remote, parser.name).toBeDefined();
      expect(remote!.folder).toBe(parser.folder);
      const targets = remote!.files.flatMap(remoteFileTargets);
      expect(new Set(targets).size, `${parser.name}: a target written twice`).toBe(targets.length);
      expect([...targets].sort()).toEqual([...parser.requiredFiles].sort());
    }
    expect(REMOTE_DATASETS.map((d) => d.dataset).sort()).toEqual(
      DATASET_PARSERS.filter((p) => p.requiredFiles.length > 0)
        .map((p) => p.name)
        .sort(),
    );
  });

  it('pins GitHub and Hugging Face URLs to the commits and revisions the SOURCE files name', () => {
    const urls = REMOTE_DATASETS.flatMap((d) => d.files.map((f) => f.url));
    for (const url of urls) {
      expect(url.startsWith('https://'), url).toBe(true);
      if (url.startsWith('https://raw.githubusercontent.com/')) {
        expect(url, url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//);
      }
      if (url.includes('/jhu-clsp/')) expect(url).toMatch(/\/resolve\/[0-9a-f]{40}\//);
    }
    expect(remoteDataset('clinc150')!.files.map((f) => f.url)).toEqual([
      'https://raw.githubusercontent.com/clinc/oos-eval/48a0e1cff8f43dd4d0836ecb4ed5df08733e3d2e/data/data_full.json',
      'https://raw.githubusercontent.com/IBM/task-aware-embedding-refinement/' +
        'cb2c44be301a4483fc04870af12adedc7084f167/data/clinc150/clinc150_intent_mapping.csv',
    ]);
    expect(remoteDataset('Banking77')!.files[0].url).toBe(
      'https://raw.githubusercontent.com/PolyAI-LDN/task-specific-datasets/' +
        '57ec275d8078af65b7731c2a98be812d844a6d6b/banking_data/train.csv',
    );
    expect(remoteDataset('FollowIR-Core17')!.files[0]).toEqual({
      url:
        'https://huggingface.co/datasets/jhu-clsp/core17-instructions/resolve/' +
        'e39ff896cf3efbbdeeb950e6bd7c79f266995b07/corpus.jsonl',
      target: 'Core17/corpus.jsonl',
      bytes: undefined,
    });
    expect(remoteDataset('NFCorpus')!.files).toEqual([
      {
        url: 'https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/nfcorpus.zip',
        unzip: [
          { entry: 'nfcorpus/corpus.jsonl', target: 'corpus.jsonl' },
          { entry: 'nfcorpus/queries.jsonl', target: 'queries.jsonl' },
          { entry: 'nfcorpus/qrels/test.tsv', target: 'qrels/test.tsv' },
        ],
      },
    ]);
    // Only the multi-GB PaSa paper database is held back from automatic downloads.
    expect(REMOTE_DATASETS.filter((d) => d.large !== undefined).map((d) => d.dataset)).toEqual([
      'RealScholarQuery',
    ]);
  });
});

describe('mirroredUrl', () => {
  it('maps https://host/path to <mirror>/host/path and leaves URLs alone without a mirror', () => {
    const url = 'https://raw.githubusercontent.com/a/b/c.csv?x=1';
    expect(mirroredUrl(url, 'http://127.0.0.1:8080')).toBe(
      'http://127.0.0.1:8080/raw.githubusercontent.com/a/b/c.csv?x=1',
    );
    expect(mirroredUrl(url, 'http://mirror.example/data/')).toBe(
      'http://mirror.example/data/raw.githubusercontent.com/a/b/c.csv?x=1',
    );
    expect(mirroredUrl(url, undefined)).toBe(url);
    expect(mirroredUrl(url, '  ')).toBe(url);
  });
});
