import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureFolder } from '../../server/ensureFolder';
import type { EmbeddingCache, EmbeddingCacheEntry } from '../core/embedding/embeddingCache';

/** Files read or written at once. */
const CONCURRENCY = 64;

/**
 * The embedding cache in Node: one file per vector, `<dir>/<key[0:2]>/<key>.f32` (raw little-endian
 * float32), written to a temporary name and renamed, so a vector is either there whole or not at all, even
 * when the process is killed mid-write. A file that cannot be read, or whose length is not a whole number
 * of floats, counts as missing and is written again.
 */
export class EmbeddingFileCache implements EmbeddingCache {
  readonly location: string;
  private readonly madeDirs = new Set<string>();

  constructor(dir: string) {
    this.location = path.resolve(dir);
  }

  private fileOf(key: string): string {
    if (!/^[0-9a-f]{16,}$/.test(key)) throw new Error(`embedding cache: bad key "${key}"`);
    return path.join(this.location, key.slice(0, 2), `${key}.f32`);
  }

  async get(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const out = new Array<Float32Array | undefined>(keys.length);
    await eachLimited(keys.length, async (i) => {
      const bytes = await readFile(this.fileOf(keys[i])).catch(() => undefined);
      if (!bytes || bytes.length === 0 || bytes.length % 4 !== 0) return;
      const vector = new Float32Array(bytes.length / 4);
      new Uint8Array(vector.buffer).set(bytes);
      out[i] = vector;
    });
    return out;
  }

  async put(entries: readonly EmbeddingCacheEntry[]): Promise<void> {
    await eachLimited(entries.length, async (i) => {
      const { key, vector } = entries[i];
      const file = this.fileOf(key);
      const dir = path.dirname(file);
      if (!this.madeDirs.has(dir)) {
        ensureFolder(dir);
        this.madeDirs.add(dir);
      }
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new Error(`cannot write to the embedding cache ${this.location}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    });
  }
}

async function eachLimited(count: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}
