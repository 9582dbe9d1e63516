import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A scratch folder and the fixture model written into it (both set from `beforeAll` on). */
export interface FixtureModelScratch {
  root: string;
  /** The model folder, as `write` returned it. */
  folder: string;
}

/**
 * For tests of a fixture model (scripts/make-fixture-model.ts) from a local folder: registers the hooks that
 * make a scratch folder and `write` the model into it before all tests, and after them `release` the loaded
 * models (their ONNX Runtime sessions) and remove the folder.
 */
export function fixtureModelScratch(
  scratchPrefix: string,
  write: (root: string) => Promise<string>,
  release: () => Promise<void>,
): FixtureModelScratch {
  const scratch: FixtureModelScratch = { root: '', folder: '' };
  beforeAll(async () => {
    scratch.root = await mkdtemp(path.join(tmpdir(), scratchPrefix));
    scratch.folder = await write(scratch.root);
  });
  afterAll(async () => {
    await release();
    await rm(scratch.root, { recursive: true, force: true });
  });
  return scratch;
}
