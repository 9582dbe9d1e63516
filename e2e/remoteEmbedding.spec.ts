import { expect, test } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServer } from '../server/app';
import { parseServerConfig } from '../server/config';
import { FakeEmbeddingUpstream } from '../server/testing/fakeEmbeddingUpstream';

/**
 * The explorer with `remote:<model>` embeddings: the page asks its own server's `/api/embed`, which calls
 * the stand-in OpenAI-compatible embeddings upstream (a real HTTP server) with its key; the page never sees
 * the key. The server here is started by the test (the built app, DIST_DIR or dist/), configured with the
 * stand-in as EMBED_BASE_URL.
 */

const EMBED_KEY = 'browser-e2e-embed-key-3f9a1c';
const upstream = new FakeEmbeddingUpstream({ dims: 128 });
const scratch = mkdtempSync(path.join(tmpdir(), 'remote-embedding-e2e-'));
let server: FastifyInstance;
let origin: string;

test.beforeAll(async () => {
  await upstream.start();
  server = await buildServer({
    ...parseServerConfig([], process.env),
    logLevel: 'silent',
    baseUrl: undefined,
    apiKey: undefined,
    openaiApiKey: undefined,
    embedBaseUrl: upstream.url,
    embedApiKey: EMBED_KEY,
    cacheDir: path.join(scratch, 'cache'),
    dataDir: undefined,
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
});

test.afterAll(async () => {
  await server?.close();
  await upstream.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('remote:<model> embeds the demo on the embeddings server behind the app server', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const bodies: string[] = [];
  page.on(
    'response',
    (r) =>
      void r.body().then(
        (b) => bodies.push(b.toString('latin1')),
        () => {},
      ),
  );

  await page.goto(
    `${origin}/?backend=wasm&embedding=${encodeURIComponent('remote:Qwen/Qwen3-Embedding-8B')}`,
  );
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('embedding-remote-model')).toHaveValue('Qwen/Qwen3-Embedding-8B');
  const after = Number(
    await page.locator('[data-testid="metric-after"][data-metric="map"]').getAttribute('data-value'),
  );
  expect(after).toBeGreaterThan(0);
  // Queries with the model's template and the demo's task instruction; documents as they are.
  expect(upstream.requests.every((r) => r.authorization === `Bearer ${EMBED_KEY}`)).toBe(true);
  expect(upstream.requests.every((r) => r.body.model === 'Qwen/Qwen3-Embedding-8B')).toBe(true);
  // Newlines become spaces after templating, as the reference's embedder does.
  expect(upstream.inputs.filter((t) => /^Instruct: .+ Query: /.test(t)).length).toBe(10);
  const sent = upstream.inputs.length;
  expect(sent).toBeGreaterThan(300);
  await page.screenshot({ path: 'test-results/e2e/explorer-remote-embedding.png', fullPage: true });

  // Reopened: every vector comes from the browser's cache; nothing goes upstream again.
  await page.reload();
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });
  expect(upstream.inputs.length).toBe(sent);

  // Another server model, typed into the settings: a new run with it.
  const field = page.getByTestId('embedding-remote-model');
  await field.fill('OtherOrg/other-embedder');
  await field.press('Enter');
  await expect(page).toHaveURL(/embedding=remote%3AOtherOrg%2Fother-embedder/);
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });
  expect(upstream.requests.at(-1)!.body.model).toBe('OtherOrg/other-embedder');
  for (const body of bodies) expect(body).not.toContain(EMBED_KEY);
  expect(errors).toEqual([]);
});
