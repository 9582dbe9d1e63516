import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModelFiles, writeFixtureModel } from '../../scripts/make-fixture-model';
import { parseServerConfig } from '../config';
import { startTestServer } from '../testing/testServer';
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
      name: 'onnx/model.onnx',
    });
  });

  it('serves nothing a link takes out of the folder, no hidden file, and names no server path', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'mirror-outside-'));
    const model = path.join(modelsDir, 'fixture', 'tiny-bert');
    await writeFile(path.join(outside, 'shadow'), 'root:SECRET-HASH:19000::::::\n');
    await symlink(outside, path.join(model, 'linked'));
    await symlink(path.join(outside, 'shadow'), path.join(model, 'shadow.json'));
    await mkdir(path.join(model, '.git'));
    await writeFile(
      path.join(model, '.git', 'config'),
      '[remote "origin"]\n\turl = https://user:SECRET-TOKEN@hub\n',
    );
    // A link inside the folder to its hidden files (a repository may hold one) is refused too.
    await symlink(path.join(model, '.git', 'config'), path.join(model, 'git-config.json'));
    // A link that stays inside (as a Hub cache's snapshot links to its blobs) is served.
    await symlink(path.join(model, 'config.json'), path.join(model, 'config-link.json'));
    const server = await startTestServer({
      ...parseServerConfig([], {}),
      logLevel: 'silent',
      cacheDir: undefined,
      modelsDir,
    });
    try {
      const get = async (file: string) => {
        const response = await fetch(`${server.url}/hf/fixture/tiny-bert/resolve/main/${file}`);
        return { status: response.status, text: await response.text() };
      };
      for (const file of [
        'linked/shadow',
        'shadow.json',
        '.git/config',
        'git-config.json',
        'onnx/model_q4.onnx',
      ]) {
        const r = await get(file);
        expect(r.status, file).toBe(404);
        expect(r.text).not.toMatch(/SECRET/);
        expect(r.text).not.toContain(modelsDir);
        expect(JSON.parse(r.text).message).toBe(
          `fixture/tiny-bert/${file} is not in the model mirror (MODELS_DIR): copy the model folder there`,
        );
      }
      expect((await get('config-link.json')).status).toBe(200);
    } finally {
      await server.app.close();
      await rm(outside, { recursive: true, force: true });
    }
  });
});
