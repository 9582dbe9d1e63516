import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  folderFiles,
  loadDatasetFromSource,
  MAX_TEXT_FILE_BYTES,
  READ_CHUNK_BYTES,
  resolveDatasetSource,
} from './dataFolder';

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

describe('folderFiles.readChunks', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chunks-'));
  // 2.5 chunks of bytes that differ from chunk to chunk (a repeated pattern would hide misordered chunks).
  const size = Math.floor(READ_CHUNK_BYTES * 2.5) + 7;
  const bytes = new Uint8Array(size);
  let state = 12345;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  writeFileSync(path.join(dir, 'big.zip'), bytes);

  it("yields the file's exact bytes over several chunks of at most READ_CHUNK_BYTES", async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of folderFiles(dir).readChunks!('big.zip')) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) {
      expect(chunk).toBeInstanceOf(Uint8Array);
      expect(chunk.length).toBeLessThanOrEqual(READ_CHUNK_BYTES);
    }
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    expect(joined.length).toBe(size);
    expect(Buffer.compare(joined, bytes)).toBe(0);
  });

  it('fails like readBytes on a missing file or a path outside the folder, and stops when aborted', async () => {
    const drain = async (chunks: AsyncIterable<Uint8Array>) => {
      let n = 0;
      for await (const chunk of chunks) n += chunk.length;
      return n;
    };
    const files = folderFiles(dir);
    await expect(drain(files.readChunks!('nope.zip'))).rejects.toThrow(
      new RegExp(`^cannot read ${path.join(dir, 'nope.zip').replaceAll('/', '\\/')}: ENOENT`),
    );
    await expect(drain(files.readChunks!('../x.zip'))).rejects.toThrow(
      /\.\.\/x\.zip is not a file path inside/,
    );
    const controller = new AbortController();
    let seen = 0;
    const reading = (async () => {
      for await (const chunk of files.readChunks!('big.zip', { signal: controller.signal })) {
        seen += chunk.length;
        controller.abort(new Error('stop reading'));
      }
    })();
    await expect(reading).rejects.toThrow('stop reading');
    expect(seen).toBeLessThan(size);
  });
});
