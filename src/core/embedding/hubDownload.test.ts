import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_HIDDEN,
  FIXTURE_MODEL_ID,
  fixtureModelFiles,
  writeFixtureModel,
} from '../../../scripts/make-fixture-model';
import { registerModelMirror } from '../../../server/routes/modelMirror';
import { sweepPartialDownloads } from '../../cli/modelCacheFolder';
import { createEmbedder } from './embedderFactory';
import { configureTransformers, releaseEmbeddingModels } from './transformersRuntime';

// The Hub download path in Node: the fixture served under a Hub-shaped URL by the server's model mirror,
// downloaded into the model cache folder; and a server that drops the connection halfway through the
// weights, after which nothing of them may be left in the cache.
let root: string;
let modelCache: string;
const app = Fastify({ forceCloseConnections: true });
let mirrorUrl: string;
let flaky: Server;
let flakyUrl: string;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hub-download-'));
  await writeFixtureModel(path.join(root, 'mirror', FIXTURE_MODEL_ID));
  modelCache = path.join(root, 'model-cache');
  registerModelMirror(app, path.join(root, 'mirror'));
  mirrorUrl = `${await app.listen({ port: 0, host: '127.0.0.1' })}/hf/`;
  const files = fixtureModelFiles();
  flaky = createServer((req, res) => {
    const file = /\/resolve\/[^/]+\/(.+)$/.exec(req.url ?? '')?.[1];
    const bytes = file ? files.get(file) : undefined;
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': bytes.length });
    if (!file!.endsWith('.onnx')) return void res.end(bytes);
    // Half the weights, then the connection drops.
    res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
  });
  await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
  flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hf/`;
});

afterAll(async () => {
  await releaseEmbeddingModels();
  await app.close();
  flaky.closeAllConnections();
  await new Promise((resolve) => flaky.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('Hub download path (Node)', () => {
  it('a download that breaks off leaves nothing half-written; the next one works', async () => {
    configureTransformers({ remoteHost: flakyUrl, modelCacheDir: modelCache });
    const broken = createEmbedder(FIXTURE_MODEL_ID, 1, { pooling: 'mean' });
    await expect(broken.embedDocuments(['a text'])).rejects.toThrow(
      /downloading embedding model "fixture\/tiny-bert" failed: .*files that did not download completely were not cached/,
    );
    const afterFailure = await filesUnder(modelCache);
    // Only transformers.js's temporary names can be left (empty; see src/cli/modelCacheFolder.ts), never
    // a file under the name the cache serves.
    expect(afterFailure.filter((f) => f.endsWith('.onnx'))).toEqual([]);
    await expect
      .poll(async () => {
        sweepPartialDownloads(modelCache, true);
        return (await filesUnder(modelCache)).filter((f) => f.includes('.onnx'));
      })
      .toEqual([]);

    configureTransformers({ remoteHost: mirrorUrl });
    const progress: string[] = [];
    const good = createEmbedder(FIXTURE_MODEL_ID, 1, {
      pooling: 'mean',
      onLoadProgress: (p) => progress.push(p.stage),
    });
    const m = await good.embedDocuments(['a text', 'another text']);
    expect(m.cols).toBe(FIXTURE_HIDDEN);
    expect(progress).toContain('download onnx/model.onnx');
    expect(await filesUnder(modelCache)).toContain(path.join(FIXTURE_MODEL_ID, 'onnx', 'model.onnx'));
  });

  it('an id the host does not have is a clear not-found error', async () => {
    configureTransformers({ remoteHost: mirrorUrl, modelCacheDir: modelCache });
    const missing = createEmbedder('fixture/no-such-model', 1, { pooling: 'mean' });
    await expect(missing.embedDocuments(['x'])).rejects.toThrow(
      /embedding model "fixture\/no-such-model" was not found .*check the Hub id/,
    );
    const noFp16 = createEmbedder(FIXTURE_MODEL_ID, 1, { pooling: 'mean', dtype: 'fp16' });
    await expect(noFp16.embedDocuments(['x']).then(() => 'ok')).resolves.toBe('ok');
  });
});
