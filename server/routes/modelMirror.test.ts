import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModelFiles, writeFixtureModel } from '../../scripts/make-fixture-model';
import { registerModelMirror, resolveMirrorPath } from './modelMirror';

let modelsDir: string;

beforeAll(async () => {
  modelsDir = await mkdtemp(path.join(tmpdir(), 'mirror-test-'));
  await writeFixtureModel(path.join(modelsDir, 'fixture', 'tiny-bert'));
});

afterAll(() => rm(modelsDir, { recursive: true, force: true }));

describe('model mirror (/hf/<id>/resolve/<revision>/<file>)', () => {
  it('serves a model folder in the Hub URL layout, with its length', async () => {
    const app = Fastify();
    registerModelMirror(app, modelsDir);
    const onnx = fixtureModelFiles().get('onnx/model.onnx')!;
    const res = await app.inject({ url: '/hf/fixture/tiny-bert/resolve/main/onnx/model.onnx' });
    expect(res.statusCode).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(onnx.length);
    expect(new Uint8Array(res.rawPayload)).toEqual(onnx);
    const head = await app.inject({
      method: 'HEAD',
      url: '/hf/fixture/tiny-bert/resolve/abc123/config.json',
    });
    expect(head.statusCode).toBe(200);
    const missing = await app.inject({ url: '/hf/fixture/tiny-bert/resolve/main/onnx/model_q4.onnx' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/not in the model mirror/);
    const unknown = await app.inject({ url: '/hf/nobody/nothing/resolve/main/config.json' });
    expect(unknown.statusCode).toBe(404);
    await app.close();
  });

  it('never leaves the models folder', () => {
    expect(resolveMirrorPath(modelsDir, 'a/b/resolve/main/../../../etc/passwd')).toMatchObject({
      status: 400,
    });
    expect(resolveMirrorPath(modelsDir, '../x/resolve/main/config.json')).toMatchObject({ status: 400 });
    expect(resolveMirrorPath(modelsDir, 'a/b/resolve/main/%2e%2e/%2e%2e/x')).toMatchObject({ status: 400 });
    expect(resolveMirrorPath(modelsDir, 'a/b/config.json')).toMatchObject({ status: 404 });
    expect(resolveMirrorPath(modelsDir, 'a/b/resolve/main/onnx/model.onnx')).toEqual({
      file: path.join(modelsDir, 'a', 'b', 'onnx', 'model.onnx'),
      modelId: 'a/b',
    });
  });
});
