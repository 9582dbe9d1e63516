import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerContext } from '../app';
import { parseServerConfig } from '../config';
import { runsRoutes } from './runs';

let runsDir: string;
let outside: string;
let app: FastifyInstance;

beforeAll(async () => {
  runsDir = await mkdtemp(path.join(tmpdir(), 'runs-test-'));
  outside = await mkdtemp(path.join(tmpdir(), 'runs-outside-'));
  const project = path.join(runsDir, 'demo-run');
  await mkdir(path.join(project, 'tensors', 'q'), { recursive: true });
  await writeFile(
    path.join(project, 'config.json'),
    JSON.stringify({
      dataset: 'demo',
      embedding_model: 'lsa-64',
      teacher: 'gold',
      data_dir: '/secret/data',
      timestamp: '2026-01-02T03:04:05.000Z',
    }),
  );
  await writeFile(
    path.join(project, 'original_raw_scores.csv'),
    'query_id,doc_id,gold_label,score,teacher_score\n',
  );
  await writeFile(path.join(project, 'summary.json'), JSON.stringify({ dataset: 'demo', queries: 10 }));
  await writeFile(path.join(project, '.env'), 'KEY=1');
  await mkdir(path.join(runsDir, 'reference-run'));
  await writeFile(path.join(runsDir, 'reference-run', 'embeddings_raw_scores.parquet'), 'PAR1');
  await writeFile(
    path.join(runsDir, 'reference-run', 'experiment_config.json'),
    JSON.stringify({ dataset: 'fixture', optimize_with_gold: true, timestamp: '2025-01-01T00:00:00.000Z' }),
  );
  await mkdir(path.join(runsDir, 'holiday-photos'));
  await writeFile(path.join(runsDir, 'holiday-photos', 'a.jpg'), 'x');
  await mkdir(path.join(runsDir, '.hidden-run'));
  await writeFile(path.join(runsDir, '.hidden-run', 'config.json'), '{}');
  await writeFile(path.join(runsDir, '.hidden-run', 'original_raw_scores.csv'), '');
  // A run folder elsewhere, linked in: not served.
  await writeFile(path.join(outside, 'config.json'), '{"secret": true}');
  await writeFile(path.join(outside, 'original_raw_scores.csv'), '');
  await symlink(outside, path.join(runsDir, 'linked-out'));
  await symlink(path.join(outside, 'config.json'), path.join(project, 'linked.json'));

  app = Fastify();
  const config = { ...parseServerConfig([], {}), runsDir };
  await runsRoutes(app, { config } as ServerContext);
});

afterAll(async () => {
  await app.close();
  await rm(runsDir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('GET /api/runs and /runs/<name>/<file>', () => {
  it('lists the run folders of either layout, newest first, without server paths', async () => {
    const res = await app.inject({ url: '/api/runs' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      runs: [
        {
          name: 'demo-run',
          layout: 'project',
          dataset: 'demo',
          embedding_model: 'lsa-64',
          teacher: 'gold',
          queries: 10,
          created: '2026-01-02T03:04:05.000Z',
        },
        {
          name: 'reference-run',
          layout: 'reference',
          dataset: 'fixture',
          embedding_model: null,
          teacher: 'gold',
          queries: null,
          created: '2025-01-01T00:00:00.000Z',
        },
      ],
    });
    expect(res.body).not.toContain(runsDir);
    expect(res.body).not.toContain('/secret/data');
  });

  it("serves a run's files, HEAD included", async () => {
    const res = await app.inject({ url: '/runs/demo-run/config.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dataset: 'demo' });
    expect((await app.inject({ method: 'HEAD', url: '/runs/demo-run/summary.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/runs/demo-run/missing.json' })).statusCode).toBe(404);
  });

  it('serves nothing outside the folder, no hidden file, no folder, and names no server path', async () => {
    for (const url of [
      '/runs/demo-run/.env',
      '/runs/.hidden-run/config.json',
      '/runs/demo-run/tensors',
      '/runs/demo-run',
    ])
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    for (const url of [
      '/runs/linked-out/config.json',
      '/runs/demo-run/linked.json',
      '/runs/%2e%2e/package.json',
    ]) {
      const res = await app.inject({ url });
      // The router may refuse the encoded `..` itself (404) before the route does (403).
      expect([403, 404], url).toContain(res.statusCode);
      if (!url.includes('%2e')) expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain(outside);
      expect(res.body).not.toContain(runsDir);
    }
  });

  it('answers an empty list when the runs folder does not exist yet', async () => {
    const empty = Fastify();
    await runsRoutes(empty, {
      config: { ...parseServerConfig([], {}), runsDir: path.join(runsDir, 'nope') },
    } as ServerContext);
    expect((await empty.inject({ url: '/api/runs' })).json()).toMatchObject({
      runs: [],
      message: /no runs folder/,
    });
    expect((await empty.inject({ url: '/runs/a/config.json' })).statusCode).toBe(404);
    await empty.close();
  });
});
