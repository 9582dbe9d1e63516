import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_HIDDEN, writeFixtureModel } from '../../scripts/make-fixture-model';
import { runScript } from '../../server/testing/scriptProcesses';

const work = mkdtempSync(path.join(tmpdir(), 'embed-docs-'));
const cacheDir = path.join(work, 'cache');
let model: string;

beforeAll(async () => {
  model = await writeFixtureModel(path.join(work, 'models', 'tiny-bert'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run embed-docs (fixture model folder, demo dataset)', () => {
  it('embeds every document once; a second run embeds nothing', async () => {
    const args = [
      '--dataset',
      'demo',
      '--embedding-model',
      model,
      '--pooling',
      'mean',
      '--embedding-cache-dir',
      cacheDir,
    ];
    const first = await runScript('src/cli/embedDocs.ts', [...args, '--queries']);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.dims).toBe(FIXTURE_HIDDEN);
    expect(report.device).toBe('cpu');
    expect(report.embedding_model).toMatch(/^folder:.*tiny-bert@local-[0-9a-f]{16}:fp32:mean$/);
    expect(report.documents.embedded).toBe(report.documents.unique);
    expect(report.documents.embedded).toBeGreaterThan(300);
    expect(report.queries.embedded).toBe(10);
    const stored = readdirSync(path.join(cacheDir, 'embeddings'), { recursive: true }).filter((f) =>
      String(f).endsWith('.f32'),
    );
    expect(stored.length).toBe(report.documents.unique + 10);

    const second = JSON.parse((await runScript('src/cli/embedDocs.ts', [...args, '--queries'])).stdout);
    expect(second.documents).toMatchObject({ embedded: 0, cached: report.documents.unique });
    expect(second.queries).toMatchObject({ embedded: 0, cached: 10 });

    // Another query template is another address for the queries only.
    const third = JSON.parse(
      (await runScript('src/cli/embedDocs.ts', [...args, '--queries', '--query-template', 'Q: {text}\\n']))
        .stdout,
    );
    expect(third.documents.embedded).toBe(0);
    expect(third.queries.embedded).toBe(10);
  });

  it('explains bad models before loading any data', async () => {
    const unknown = await runScript('src/cli/embedDocs.ts', [
      '--dataset',
      'demo',
      '--embedding-model',
      'nonsense',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown embedding model "nonsense"/);
    const noOnnx = await runScript('src/cli/embedDocs.ts', [
      '--dataset',
      'demo',
      '--embedding-model',
      model,
      '--embedding-dtype',
      'fp16',
      '--pooling',
      'mean',
      '--embedding-cache-dir',
      cacheDir,
    ]);
    expect(noOnnx.code).toBe(0);
    const missingFolder = await runScript('src/cli/embedDocs.ts', [
      '--dataset',
      'demo',
      '--embedding-model',
      './nowhere',
    ]);
    expect(missingFolder.stderr).toMatch(/--embedding-model \.\/nowhere: no such folder/);
    const notModel = await runScript('src/cli/embedDocs.ts', [
      '--dataset',
      'demo',
      '--embedding-model',
      work,
    ]);
    expect(notModel.stderr).toMatch(/is not a model folder: config\.json and tokenizer\.json missing/);
    const list = await runScript('src/cli/embedDocs.ts', ['--list-models']);
    expect(list.stdout).toContain('Qwen3-Embedding-0.6B');
    expect(list.stdout).toContain('"Instruct: {instruction}\\nQuery: {text}"');
  });
});
