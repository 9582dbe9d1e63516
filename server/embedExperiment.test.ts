import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../src/core/experiment/outputs';
import { readJson } from '../src/testing/readJson';
import { SHARED_DATA_DIR } from '../src/testing/sharedFolder';
import { FakeEmbeddingUpstream } from './testing/fakeEmbeddingUpstream';
import { spawnedServerSuite } from './testing/spawnedServerSuite';

/**
 * End to end: `npm run experiment -- --embedding-model remote:<model>` through the real app server
 * (`npm start`'s entry point, spawned) against the stand-in embeddings upstream, and calling the upstream
 * directly with the server's code and cache; `npm run embed-docs` likewise.
 */

const upstream = new FakeEmbeddingUpstream({ dims: 256 });
const EMBED_KEY = 'tei-e2e-key-6d2b8f0a4c';
/** `cli` runs a CLI script in the test's environment (the cache in the scratch folder), `extraEnv` added. */
const { scratch, server, cli } = spawnedServerSuite({
  scratchPrefix: 'embed-experiment-',
  upstream,
  serverEnv: (url) => ({ EMBED_BASE_URL: url, EMBED_API_KEY: EMBED_KEY }),
  serverCache: 'server-cache',
});

describe('npm run experiment -- --embedding-model remote:<model>', () => {
  it('runs ArgKP21 through the app server, with the model’s query template and the dataset’s instruction', async () => {
    expect(server.output()).toContain(
      `embeddings (remote:<model>, LiteLLM/ or bare): ${upstream.url} with EMBED_API_KEY`,
    );
    const out = path.join(scratch, 'out');
    const args = [
      '--dataset',
      'ArgKP21',
      '--data-dir',
      SHARED_DATA_DIR,
      '--embedding-model',
      'remote:Qwen/Qwen3-Embedding-8B',
      '--server-url',
      server.url,
      '--teacher',
      'gold',
      '--computation-types',
      'original,optimized',
      '--num-steps',
      '20',
      '--output-dir',
      out,
    ];
    /** The run into out/<name>, with a local embedding cache of its own in scratch/<cache>. */
    const runAs = (name: string, cache: string) =>
      cli('src/cli/experiment.ts', [
        ...args,
        ...['--experiment-name', name, '--embedding-cache-dir', path.join(scratch, cache)],
      ]);
    const r = await runAs('argkp', 'cli-cache-1');
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(out, 'argkp');
    const summary = readJson<ExperimentSummary>(path.join(dir, 'summary.json'));
    expect(summary.queries).toBe(243);
    // Hashed bags of words rank arguments that share words with their key point first: far above chance.
    expect(summary.types.original?.mean.roc_auc).toBeGreaterThan(0.6);
    const config = readJson<Record<string, unknown>>(path.join(dir, 'config.json'));
    expect(config).toMatchObject({
      embedding_model: 'remote:Qwen/Qwen3-Embedding-8B',
      embedding_model_spec: 'remote:Qwen/Qwen3-Embedding-8B',
      embedding_dims: 256,
      embedding_via: server.url,
      embedding_registered_model: 'Qwen3-Embedding-8B',
      // As the reference's config: the template with the dataset's instruction filled in.
      query_template:
        'Instruct: Given an argument, identify utterances from debates that convey this argument.\nQuery: {text}',
      document_template: '{text}',
      task_instruction: 'Given an argument, identify utterances from debates that convey this argument.',
    });
    const instruction = String(config.task_instruction);
    const inputs = upstream.inputs;
    // What the reference's embedder gets: the newline of the template made a space.
    expect(inputs.some((t) => t.startsWith(`Instruct: ${instruction} Query: `))).toBe(true);
    expect(inputs.some((t) => t.includes('\n'))).toBe(false);
    expect(upstream.requests.every((q) => q.authorization === `Bearer ${EMBED_KEY}`)).toBe(true);
    expect(upstream.requests.every((q) => q.body.model === 'Qwen/Qwen3-Embedding-8B')).toBe(true);
    expect(r.stdout + r.stderr + JSON.stringify(config)).not.toContain(EMBED_KEY);

    const sent = inputs.length;
    const again = await runAs('argkp-again', 'cli-cache-2');
    expect(again.code, again.stderr).toBe(0);
    // A fresh local cache: the texts are sent to the server, which answers them from its SQLite cache.
    const againConfig = readJson<{ embedding_cache: Record<string, number> }>(
      path.join(out, 'argkp-again', 'config.json'),
    );
    expect(againConfig.embedding_cache.embedded).toBeGreaterThan(0);
    expect(againConfig.embedding_cache.server_cached).toBe(againConfig.embedding_cache.embedded);
    expect(upstream.inputs.length).toBe(sent);
  });

  it('calls the upstream directly without --server-url, with the same SQLite cache on the second run', async () => {
    const out = path.join(scratch, 'direct');
    const args = [
      '--dataset',
      'demo',
      '--embedding-model',
      'remote:LiteLLM/intfloat/e5-mistral-7b-instruct',
      '--num-steps',
      '10',
      '--output-dir',
      out,
    ];
    const before = upstream.inputs.length;
    const first = await cli('src/cli/experiment.ts', [...args, '--experiment-name', 'one'], {
      BASE_URL: upstream.url,
    });
    expect(first.code, first.stderr).toBe(0);
    const sent = upstream.inputs.length - before;
    expect(sent).toBeGreaterThan(10);
    const config = readJson<Record<string, unknown>>(path.join(out, 'one', 'config.json'));
    expect(config).toMatchObject({
      embedding_model: 'remote:LiteLLM/intfloat/e5-mistral-7b-instruct',
      embedding_via: 'direct',
      embedding_registered_model: 'E5-Mistral-7B',
    });
    expect(upstream.requests.at(-1)!.body.model).toBe('intfloat/e5-mistral-7b-instruct');
    const second = await cli('src/cli/experiment.ts', [...args, '--experiment-name', 'two'], {
      BASE_URL: upstream.url,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(upstream.inputs.length - before).toBe(sent);
    const cache = readJson<{ embedding_cache: Record<string, number> }>(
      path.join(out, 'two', 'config.json'),
    ).embedding_cache;
    expect(cache.server_cached).toBe(cache.embedded);
  });

  it('says what to set when nothing is configured, or the server URL is wrong, or an option does not apply', async () => {
    const common = ['--dataset', 'demo', '--embedding-model', 'remote:my-embedder', '--output-dir', scratch];
    const none = await cli('src/cli/experiment.ts', common);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /no embeddings upstream for model "my-embedder": set EMBED_BASE_URL .*--server-url/,
    );
    expect(none.stderr).not.toContain('    at ');
    const wrong = await cli('src/cli/experiment.ts', [...common, '--server-url', 'http://127.0.0.1:9']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /cannot reach the embedding server at http:\/\/127\.0\.0\.1:9 .*"npm start"/,
    );
    const pooling = await cli('src/cli/experiment.ts', [...common, '--pooling', 'mean'], {
      BASE_URL: upstream.url,
    });
    expect(pooling.stderr).toMatch(/--pooling cannot be used with remote:my-embedder/);
  });
});

describe('npm run embed-docs -- --embedding-model remote:<model>', () => {
  it('embeds a dataset’s documents into the server’s cache and reports what it did', async () => {
    const r = await cli('src/cli/embedDocs.ts', [
      '--dataset',
      'demo',
      '--embedding-model',
      'remote:Linq-AI-Research/Linq-Embed-Mistral',
      '--server-url',
      server.url,
      '--embedding-cache-dir',
      path.join(scratch, 'embed-docs-cache'),
      '--queries',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(report).toMatchObject({
      embedding_model: 'remote:Linq-AI-Research/Linq-Embed-Mistral',
      dims: 256,
      documents: { cached: 0 },
    });
    expect((report.documents as { embedded: number }).embedded).toBeGreaterThan(10);
    expect((report.queries as { embedded: number }).embedded).toBe(10);
  });
});
