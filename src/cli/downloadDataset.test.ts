import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadDataset, type DownloadProgress } from '../core/datasets/download';
import { getDatasetParser, loadDataset } from '../core/datasets/registry';
import { mirroredUrl, REMOTE_DATASETS, remoteDataset, remoteFileTargets } from '../core/datasets/sources';
import { folderFiles } from './dataFolder';
import type { DatasetAvailability } from './datasets';
import { ensureDatasetFiles, fetchWithTimeouts, folderSink } from './downloadDataset';
import { runScript } from '../../server/testing/scriptProcesses';

/**
 * The download path against a real local HTTP server (node:http on port 0) that serves fixture files under
 * mirror paths (`/<host>/<path>` of each public URL): real HTTP, real unzip, real parsing.
 */

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const FIXTURES = path.join(root, 'src/core/datasets/fixtures');

/** Every file of a folder, relative path → bytes. */
function readTree(folder: string, prefix = ''): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const name of readdirSync(folder)) {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) Object.assign(out, readTree(full, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(full);
  }
  return out;
}

/** Every file under `folder`, relative, sorted (to see that nothing half-written is left). */
function listTree(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const full = path.join(folder, name);
      return statSync(full).isDirectory() ? listTree(full).map((n) => `${name}/${n}`) : [name];
    })
    .sort();
}

// Small files in the sources' own layouts.
const BANKING_TRAIN = [
  'text,category',
  ...['where is my new card', 'my card still has not arrived', 'how long does card delivery take'].map(
    (t) => `${t},card_arrival`,
  ),
  ...['I lost my card', 'my card was stolen', 'cannot find my card anywhere'].map(
    (t) => `${t},lost_or_stolen_card`,
  ),
  ...['how do I top up', 'top up with a bank transfer', 'my top up failed'].map((t) => `${t},top_up_failed`),
].join('\n');
const BANKING_TEST = [
  'text,category',
  'has my card been sent yet,card_arrival',
  'someone took my card,lost_or_stolen_card',
  'the top up did not work,top_up_failed',
].join('\n');

const NFCORPUS_ZIP = zipSync({
  nfcorpus: {
    'corpus.jsonl': strToU8(
      [
        { _id: 'MED-1', title: 'Statins', text: 'statin use and breast cancer survival' },
        { _id: 'MED-2', title: 'Vitamin D', text: 'vitamin d and bone health in adults' },
        { _id: 'MED-3', title: '', text: 'dietary fibre and colon cancer' },
      ]
        .map((d) => JSON.stringify(d))
        .join('\n'),
    ),
    'queries.jsonl': strToU8(
      [
        { _id: 'PLAIN-1', text: 'breast cancer statins' },
        { _id: 'PLAIN-2', text: 'bone health' },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n'),
    ),
    qrels: {
      'test.tsv': strToU8('query-id\tcorpus-id\tscore\nPLAIN-1\tMED-1\t2\nPLAIN-2\tMED-2\t1\n'),
      'train.tsv': strToU8('query-id\tcorpus-id\tscore\nPLAIN-9\tMED-3\t1\n'),
    },
  },
});

/** What the server does for a path: send bytes, or misbehave. */
type Route =
  { kind: 'file'; body: Uint8Array; slow?: boolean } | { kind: 'break'; body: Uint8Array } | { kind: 'hang' };

interface FixtureServer {
  mirror: string;
  routes: Map<string, Route>;
  requests: string[];
  close(): Promise<void>;
}

/** Serves `routes` (path → route); anything else is a 404. Bodies go out in several chunks. */
async function startServer(): Promise<FixtureServer> {
  const routes = new Map<string, Route>();
  const requests: string[] = [];
  const send = async (res: ServerResponse, body: Uint8Array, slow: boolean) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    const step = Math.max(1, Math.ceil(body.length / 4));
    for (let i = 0; i < body.length; i += step) {
      res.write(body.subarray(i, i + step));
      if (slow) await new Promise((r) => setTimeout(r, 20));
    }
    res.end();
  };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const route = routes.get(url);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else if (route.kind === 'file') {
      void send(res, route.body, route.slow ?? false);
    } else if (route.kind === 'break') {
      // Promise the whole body, send part of it, then drop the connection.
      res.writeHead(200, { 'content-length': route.body.length });
      res.write(route.body.subarray(0, Math.floor(route.body.length / 2)), () => res.destroy());
    } else {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write('text,category\n'); // and nothing more until the connection is closed
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    mirror: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The mirror path of a public URL (`/<host>/<path>`). */
const mirrorPath = (url: string) => mirroredUrl(url, 'http://m').slice('http://m'.length);

/** Serves `files` (target path → bytes) for dataset `name` under the mirror paths of its source. */
function serveDataset(server: FixtureServer, name: string, files: Record<string, Uint8Array | string>) {
  for (const file of remoteDataset(name)!.files) {
    const target = file.target;
    if (target === undefined || !(target in files)) continue;
    const body = files[target];
    server.routes.set(mirrorPath(file.url), {
      kind: 'file',
      body: typeof body === 'string' ? strToU8(body) : body,
    });
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A writable that collects what the CLI helpers print. */
function collector(): NodeJS.WritableStream & { text: () => string } {
  const chunks: string[] = [];
  return {
    write(chunk: string | Uint8Array) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
    text: () => chunks.join(''),
  } as unknown as NodeJS.WritableStream & { text: () => string };
}

let server: FixtureServer;
let work: string;
beforeAll(async () => {
  server = await startServer();
  work = mkdtempSync(path.join(tmpdir(), 'download-'));
  serveDataset(server, 'FollowIR', readTree(path.join(FIXTURES, 'FollowIR')));
  serveDataset(server, 'RealScholarQuery', readTree(path.join(FIXTURES, 'RealScholarQuery')));
  serveDataset(server, 'Banking77', { 'train.csv': BANKING_TRAIN, 'test.csv': BANKING_TEST });
  server.routes.set(mirrorPath(remoteDataset('NFCorpus')!.files[0].url), {
    kind: 'file',
    body: NFCORPUS_ZIP,
    slow: true,
  });
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe('downloading through a mirror over real HTTP', () => {
  it('fetches FollowIR from its Hugging Face paths and parses it like the fixture folder', async () => {
    const dataDir = path.join(work, 'followir');
    mkdirSync(dataDir);
    const stream = collector();
    const report = await ensureDatasetFiles(getDatasetParser('FollowIR'), dataDir, {
      download: true,
      env: { DATASET_MIRROR: server.mirror },
      stream,
    });
    expect(report?.written).toHaveLength(12);
    expect(server.requests).toContain(
      '/huggingface.co/datasets/jhu-clsp/core17-instructions/resolve/' +
        'e39ff896cf3efbbdeeb950e6bd7c79f266995b07/qrels_og/test.jsonl',
    );
    expect(stream.text()).toContain(`through the mirror ${server.mirror} (DATASET_MIRROR)`);
    expect(stream.text()).toMatch(/Downloaded 12 file\(s\) of FollowIR/);
    const downloaded = await loadDataset('FollowIR', folderFiles(path.join(dataDir, 'FollowIR')));
    const fixture = await loadDataset('FollowIR', folderFiles(path.join(FIXTURES, 'FollowIR')));
    expect(downloaded.queries.map((q) => q.text)).toEqual(fixture.queries.map((q) => q.text));
    expect(downloaded.documents.map((d) => d.text)).toEqual(fixture.documents.map((d) => d.text));
    expect(listTree(path.join(dataDir, 'FollowIR')).filter((f) => f.endsWith('.part'))).toEqual([]);

    // A second run finds everything present and fetches nothing.
    const before = server.requests.length;
    expect(
      await ensureDatasetFiles(getDatasetParser('FollowIR-News21'), dataDir, {
        download: true,
        env: { DATASET_MIRROR: server.mirror },
        stream,
      }),
    ).toBeUndefined();
    expect(server.requests.length).toBe(before);
  });

  it('fetches RealScholarQuery (kept zip) only when asked for by name', async () => {
    const dataDir = path.join(work, 'pasa');
    mkdirSync(dataDir);
    const parser = getDatasetParser('RealScholarQuery');
    const options = { download: true, env: { DATASET_MIRROR: server.mirror }, stream: collector() };
    await expect(ensureDatasetFiles(parser, dataDir, options)).rejects.toThrow(
      /dataset RealScholarQuery: missing .* It is not downloaded automatically: .*several GB/,
    );
    await ensureDatasetFiles(parser, dataDir, { ...options, explicit: true });
    const downloaded = await loadDataset(
      'RealScholarQuery',
      folderFiles(path.join(dataDir, 'RealScholarQuery')),
    );
    const fixture = await loadDataset(
      'RealScholarQuery',
      folderFiles(path.join(FIXTURES, 'RealScholarQuery')),
    );
    expect(downloaded.queries.length).toBeGreaterThan(0);
    expect(downloaded.queries.map((q) => q.id)).toEqual(fixture.queries.map((q) => q.id));
    expect(downloaded.documents).toEqual(fixture.documents);
  });

  it('unpacks a BEIR zip into the NFCorpus layout, with byte progress, and parses it', async () => {
    const folder = path.join(work, 'nf', 'NFCorpus');
    const events: DownloadProgress[] = [];
    const report = await downloadDataset(remoteDataset('NFCorpus')!, {
      fetch: fetchWithTimeouts(),
      sink: folderSink(folder),
      mirror: server.mirror,
      onProgress: (e) => events.push(e),
    });
    expect(report.written).toEqual(['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv']);
    expect(listTree(folder)).toEqual(['corpus.jsonl', 'qrels/test.tsv', 'queries.jsonl']);
    // content-length gives the total; several chunks arrive, each counted.
    expect(
      events.every((e) => e.total === NFCORPUS_ZIP.length && e.stage === 'Downloading NFCorpus/nfcorpus.zip'),
    ).toBe(true);
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done)].sort((a, b) => a - b));
    expect(events.length).toBeGreaterThan(2);
    expect(events.at(-1)!.done).toBe(NFCORPUS_ZIP.length);
    const dataset = await loadDataset('NFCorpus', folderFiles(folder));
    expect(dataset.documents).toHaveLength(3);
    expect(dataset.queries.map((q) => q.id)).toEqual(['PLAIN-1', 'PLAIN-2']);
  });
});

describe('downloads that fail', () => {
  it('a 404: names the status and the URL, keeps the files that arrived, leaves no partial file', async () => {
    const dataDir = path.join(work, 'missing');
    mkdirSync(dataDir);
    const mirror = `${server.mirror}/nothing-here`;
    const stream = collector();
    const error = (await ensureDatasetFiles(getDatasetParser('Banking77'), dataDir, {
      download: true,
      env: { DATASET_MIRROR: mirror },
      stream,
    }).catch((e: unknown) => e)) as Error;
    const url = mirroredUrl(remoteDataset('Banking77')!.files[0].url, mirror);
    expect(error.message).toContain(`dataset Banking77: HTTP 404 Not Found from ${url}`);
    expect(error.message).toContain(`download the files by hand into ${path.join(dataDir, 'Banking77')}`);
    expect(listTree(dataDir)).toEqual([]);
  });

  it('a refused connection: says the host cannot be reached and what to do, without hanging', async () => {
    const dataDir = path.join(work, 'offline');
    mkdirSync(dataDir);
    const port = await closedPort();
    const stream = collector();
    const error = (await ensureDatasetFiles(getDatasetParser('ArgKP21'), dataDir, {
      download: true,
      env: { DATASET_MIRROR: `http://127.0.0.1:${port}` },
      stream,
      retryDelayMs: 1,
    }).catch((e: unknown) => e)) as Error;
    expect(stream.text()).toMatch(
      /could not reach .*; trying again in 1 ms \(1\/2\)\n.*trying again in 2 ms \(2\/2\)/s,
    );
    expect(error.message).toMatch(
      new RegExp(
        `^could not reach 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\): download the files by hand into ` +
          `${path.join(dataDir, 'ArgKP21').replaceAll('/', '\\/')} \\(source list below\\) or check your network\\n`,
      ),
    );
    // The list names every file still to fetch, with its public URL and where it goes.
    for (const file of remoteDataset('ArgKP21')!.files) {
      expect(error.message).toContain(`${file.url} → ${remoteFileTargets(file).join(', ')}`);
    }
    // The dataset folder the download created is gone again: the dataset reads as missing, not incomplete.
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('a server that never answers: times out as unreachable', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await downloadDataset(remoteDataset('Banking77')!, {
        fetch: fetchWithTimeouts(200),
        sink: folderSink(path.join(work, 'silent')),
        mirror: `http://127.0.0.1:${port}`,
        retries: 0,
      }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^could not reach 127\.0\.0\.1:\d+ \(no answer within 0\.2 s\)/,
      );
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a body that breaks off: retried, then a clear error, and no half-written file', async () => {
    const folder = path.join(work, 'broken', 'Banking77');
    const source = remoteDataset('Banking77')!;
    const broken = { ...source, files: [{ ...source.files[0], url: 'https://broken.example/train.csv' }] };
    server.routes.set('/broken.example/train.csv', { kind: 'break', body: strToU8(BANKING_TRAIN) });
    const before = server.requests.length;
    const error = await downloadDataset(broken, {
      fetch: fetchWithTimeouts(),
      sink: folderSink(folder),
      mirror: server.mirror,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^dataset Banking77: the download of http:\/\/127\.0\.0\.1:\d+\/broken\.example\/train\.csv broke off after \d+ bytes/,
    );
    expect(server.requests.length - before).toBe(3); // the first try and 2 retries
    expect(listTree(path.dirname(folder))).toEqual([]);
  });

  it('cancellation: stops at once and removes the partial file', async () => {
    const folder = path.join(work, 'cancel', 'Banking77');
    const source = remoteDataset('Banking77')!;
    const hanging = { ...source, files: [{ ...source.files[0], url: 'https://hang.example/train.csv' }] };
    server.routes.set('/hang.example/train.csv', { kind: 'hang' });
    const controller = new AbortController();
    const reason = new Error('Cancelled by the user (Ctrl-C)');
    const pending = downloadDataset(hanging, {
      fetch: fetchWithTimeouts(),
      sink: folderSink(folder),
      mirror: server.mirror,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.done > 0) controller.abort(reason);
      },
    });
    await expect(pending).rejects.toBe(reason);
    expect(listTree(path.dirname(folder))).toEqual([]);
  });
});

describe('the CLI downloads a missing dataset', () => {
  it('npm run experiment downloads Banking77 through DATASET_MIRROR, then runs on it', async () => {
    const dataDir = path.join(work, 'cli-data');
    const out = path.join(work, 'cli-out');
    mkdirSync(dataDir);
    const r = await cli(
      'src/cli/experiment.ts',
      [
        ...['--dataset', 'Banking77', '--data-dir', dataDir, '--output-dir', out, '--experiment-name', 'b77'],
        ...[
          '--embedding-model',
          'lsa-4',
          '--num-steps',
          '3',
          '--total-scores',
          '4',
          '--scores-from-top',
          '4',
        ],
        ...['--backend', 'cpu'],
      ],
      { DATASET_MIRROR: server.mirror },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Downloading Banking77 into ${path.join(dataDir, 'Banking77')}`);
    expect(r.stderr).toContain('Downloaded 2 file(s) of Banking77');
    expect(r.stderr).toContain('Dataset Banking77: 3 queries, 12 documents');
    expect(r.stdout).toMatch(/optimized\s+MAP \d\.\d{4}/);
    expect(readFileSync(path.join(dataDir, 'Banking77', 'test.csv'), 'utf8')).toBe(BANKING_TEST);
    expect(listTree(path.join(out, 'b77'))).toContain('config.json');
  });

  it('--no-download and an unreachable source each fail with one clear message', async () => {
    const dataDir = path.join(work, 'cli-empty');
    mkdirSync(dataDir);
    const args = ['--dataset', 'Clinc150', '--data-dir', dataDir, '--backend', 'cpu'];
    const off = await cli('src/cli/experiment.ts', [...args, '--no-download']);
    expect(off.code).toBe(1);
    expect(off.stderr).toContain(
      `dataset Clinc150: missing data_full.json, clinc150_intent_mapping.csv in ${path.join(dataDir, 'Clinc150')}; ` +
        'downloading is off (--no-download)',
    );
    const port = await closedPort();
    const offline = await cli('src/cli/experiment.ts', args, { DATASET_MIRROR: `http://127.0.0.1:${port}` });
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(
      /could not reach 127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\): download the files by hand/,
    );
    expect(offline.stderr).not.toContain('    at ');
    expect(listTree(dataDir)).toEqual([]);
  });

  it('npm run datasets lists what is downloadable, and --download fetches and loads by name', async () => {
    const dataDir = path.join(work, 'cli-datasets');
    mkdirSync(dataDir);
    const listed = await cli('src/cli/datasets.ts', ['--data-dir', dataDir, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = (JSON.parse(listed.stdout) as { datasets: DatasetAvailability[] }).datasets;
    for (const row of rows) {
      expect(row.downloadable, row.name).toBe(row.name !== 'demo');
      expect(row.download_origin === null, row.name).toBe(row.name === 'demo');
    }
    expect(REMOTE_DATASETS.length).toBe(rows.length - 1);
    const table = await cli('src/cli/datasets.ts', ['--data-dir', dataDir]);
    expect(table.stdout).toMatch(/Banking77\s+classification\s+missing\s+-\s+-\s+-\s+-\s+download/);
    expect(table.stdout).toMatch(/demo\s+classification\s+available.*built-in/);
    expect(table.stdout).toContain('npm run datasets -- --download Banking77 fetches them');

    const fetched = await cli(
      'src/cli/datasets.ts',
      ['--download', 'banking77', '--data-dir', dataDir, '--json'],
      {
        DATASET_MIRROR: server.mirror,
      },
    );
    expect(fetched.code, fetched.stderr).toBe(0);
    const [row] = (JSON.parse(fetched.stdout) as { datasets: DatasetAvailability[] }).datasets;
    expect(row).toMatchObject({ name: 'Banking77', available: true, error: null });
    expect(row.statistics).toMatchObject({ queries: 3, documents: 12, positives: 12 });
    expect(fetched.stderr).toMatch(/Downloading Banking77\/train\.csv .*\.\.\./);

    const again = await cli('src/cli/datasets.ts', ['--download', 'Banking77', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Banking77: all files present in ${dataDir}`);
    const demo = await cli('src/cli/datasets.ts', ['--download', 'demo', '--data-dir', dataDir]);
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('dataset demo has no public source to download from (it is built in)');
  });
});

/** Runs a CLI entry point with tsx, with `env` added to this process's environment; never throws. */
const cli = (script: string, args: string[], env: Record<string, string> = {}) =>
  runScript(script, args, { ...process.env, ...env });
