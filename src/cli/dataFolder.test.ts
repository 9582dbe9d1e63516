import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderFiles, loadDatasetFromSource, MAX_TEXT_FILE_BYTES, resolveDatasetSource } from './dataFolder';

const DATA_DIR = decodeURIComponent(new URL('../../../shared/data/', import.meta.url).pathname);

describe('resolveDatasetSource', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'spec-'));
  const dataDir = path.join(work, 'data');
  mkdirSync(path.join(dataDir, 'sets', 'toy'), { recursive: true });
  writeFileSync(path.join(dataDir, 'sets', 'labels.csv'), 'text,label\nhello,greet\nbye,leave\n');
  const cwd = process.cwd();

  it('finds a registered dataset in the data folder, failing on unknown names first', () => {
    const source = resolveDatasetSource('nfcorpus', DATA_DIR, {});
    expect(source.parser.name).toBe('NFCorpus');
    expect(source.dataDir).toBe(path.resolve(DATA_DIR));
    expect(source.location).toBe(path.join(path.resolve(DATA_DIR), 'NFCorpus'));
    expect(() => resolveDatasetSource('nope', '/no/such/dir', {})).toThrow(/unknown dataset "nope"/);
    expect(() => resolveDatasetSource('NFCorpus', '/no/such/dir', {})).toThrow(
      'data folder /no/such/dir does not exist; pass --data-dir or set DATA_DIR',
    );
  });

  it('looks a relative import path up in the working directory, then in the data folder', async () => {
    const absolute = resolveDatasetSource(`csv:${path.join(dataDir, 'sets', 'labels.csv')}`, undefined, {});
    expect(absolute.location).toBe(path.join(dataDir, 'sets', 'labels.csv'));
    expect(absolute.dataDir).toBeUndefined();
    const viaDataDir = resolveDatasetSource('csv:sets/labels.csv', undefined, { DATA_DIR: dataDir });
    expect(viaDataDir.location).toBe(absolute.location);
    expect(viaDataDir.files.location).toBe(path.join(dataDir, 'sets'));
    const dataset = await loadDatasetFromSource(viaDataDir);
    expect(dataset.name).toBe('labels');
    expect(dataset.queries.map((q) => q.text)).toEqual(['greet', 'leave']);
    try {
      process.chdir(dataDir);
      expect(resolveDatasetSource('beir:sets/toy', '/elsewhere', {}).location).toBe(
        path.join(dataDir, 'sets', 'toy'),
      );
      // `beir:.` is named after the folder it resolves to.
      expect(resolveDatasetSource('beir:.', undefined, {}).parser.name).toBe('data');
    } finally {
      process.chdir(cwd);
    }
  });

  it('says what is wrong with a missing path or one of the wrong type', () => {
    expect(() => resolveDatasetSource('beir:no/such', dataDir, {})).toThrow(
      `--dataset beir:no/such: no such folder (looked for ${path.resolve('no/such')} and ` +
        `${path.join(dataDir, 'no/such')}); a relative path is looked up in the working directory, then in ` +
        'the data folder',
    );
    expect(() => resolveDatasetSource(`trec:${path.join(dataDir, 'sets', 'labels.csv')}`)).toThrow(
      /--dataset trec: expects a folder, but .*labels\.csv is a file/,
    );
    expect(() => resolveDatasetSource(`csv:${dataDir}`)).toThrow(
      /--dataset csv: expects a file, but .* is a folder/,
    );
  });
});

describe('folderFiles on a file too large to read', () => {
  it('refuses it before reading, naming the file and its size', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'huge-'));
    const file = path.join(dir, 'corpus.jsonl');
    writeFileSync(file, '');
    truncateSync(file, MAX_TEXT_FILE_BYTES + 1); // sparse: takes no disk space
    await expect(folderFiles(dir).readText('corpus.jsonl')).rejects.toThrow(
      new RegExp(
        `^${file.replaceAll('/', '\\/')} is too large to read \\(1,536 MiB\\): a data file may hold about 512 MiB`,
      ),
    );
  });
});
