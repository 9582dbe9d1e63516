import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetFolder, folderFiles, loadDatasetFromDir, resolveDataDir } from '../../cli/dataFolder';
import { DATASET_PARSERS, getDatasetParser, loadDataset } from './registry';
import { memoryFiles } from './memoryFiles';
import { SHARED_DATA_DIR } from '../../testing/sharedFolder';

describe('dataset registry', () => {
  it('lists parsers with unique names and complete descriptions', () => {
    const names = DATASET_PARSERS.map((p) => p.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['clinc150', 'banking77', 'argkp21']));
    for (const parser of DATASET_PARSERS) {
      expect(parser.folder.length).toBeGreaterThan(0);
      // Only built-in datasets (the demo) need no files.
      if (parser.name !== 'demo') expect(parser.requiredFiles.length).toBeGreaterThan(0);
      expect(parser.sourceHint.length).toBeGreaterThan(0);
    }
  });

  it('finds a parser by name, ignoring case', () => {
    expect(getDatasetParser('clinc150').name).toBe('Clinc150');
    expect(getDatasetParser('BANKING77').name).toBe('Banking77');
    expect(getDatasetParser('ArgKP21').folder).toBe('ArgKP21');
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => getDatasetParser('NoSuchSet')).toThrow(
      /unknown dataset "NoSuchSet"; known datasets: .*Clinc150.*Banking77.*ArgKP21/,
    );
  });

  it('names the missing files, the folder and the source before parsing', async () => {
    const files = memoryFiles('/somewhere/Clinc150', { 'data_full.json': '{"train": []}' });
    const error = await loadDataset('Clinc150', files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('missing clinc150_intent_mapping.csv in /somewhere/Clinc150');
    expect(message).not.toContain('data_full.json,');
    expect(message).toContain(getDatasetParser('Clinc150').sourceHint);
  });

  it('lists every missing file when the dataset folder is absent', async () => {
    const files = datasetFolder(SHARED_DATA_DIR, { folder: 'NoSuchFolder' });
    await expect(loadDataset('ArgKP21', files)).rejects.toThrow(
      /missing kpm_data\/arguments_dev\.csv, .*kpm_data\/labels_train\.csv in .*NoSuchFolder/,
    );
  });

  it('reports malformed content with the file name', async () => {
    const files = memoryFiles('/x/Clinc150', {
      'data_full.json': '{"train": [["hello", "greeting"]]}',
      'clinc150_intent_mapping.csv': 'intent_name,intent_description\nfarewell,Says goodbye\n',
    });
    await expect(loadDataset('Clinc150', files)).rejects.toThrow(
      /\/x\/Clinc150\/data_full\.json: train row 0 has intent "greeting", which has no description/,
    );
  });
});

describe('Node data folder (src/cli/dataFolder.ts)', () => {
  it('resolves --data-dir, then DATA_DIR, then ./data', () => {
    const other = mkdtempSync(join(tmpdir(), 'data-dir-'));
    expect(resolveDataDir(SHARED_DATA_DIR, { DATA_DIR: other })).toBe(resolve(SHARED_DATA_DIR));
    expect(resolveDataDir(undefined, { DATA_DIR: other })).toBe(other);
    expect(resolveDataDir('', { DATA_DIR: other })).toBe(other);
    const fallback = resolve('data');
    if (existsSync(fallback)) expect(resolveDataDir(undefined, {})).toBe(fallback);
    else expect(() => resolveDataDir(undefined, {})).toThrow(`data folder ${fallback} does not exist`);
  });

  it('says what to do when the folder does not exist', () => {
    expect(() => resolveDataDir('/no/such/dir', {})).toThrow(
      'data folder /no/such/dir does not exist; pass --data-dir or set DATA_DIR',
    );
  });

  it('reads files inside the folder only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-files-'));
    writeFileSync(join(dir, 'a.txt'), 'hello');
    const files = folderFiles(dir);
    expect(files.location).toBe(dir);
    expect(await files.exists('a.txt')).toBe(true);
    expect(await files.exists('b.txt')).toBe(false);
    expect(await files.readText('a.txt')).toBe('hello');
    await expect(files.readText('b.txt')).rejects.toThrow(/cannot read .*b\.txt/);
    await expect(files.exists('../a.txt')).rejects.toThrow(/not a file path inside/);
  });

  it('loads a dataset from a data directory', async () => {
    const dataset = await loadDatasetFromDir('banking77', resolveDataDir(SHARED_DATA_DIR, {}));
    expect(dataset.queries).toHaveLength(77);
  });
});
