import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  DownloadError,
  downloadDataset,
  memorySink,
  type DownloadProgress,
  type FetchFunction,
} from './download';
import { memoryFiles } from './memoryFiles';
import { loadDataset } from './registry';
import type { RemoteDataset } from './sources';

/** The downloader with an in-memory fetch: every case here is about its logic, not about HTTP. */

const TRAIN = 'text,category\nwhere is my card,card_arrival\nmy card has not come,card_arrival\n';
const TEST = 'text,category\nI lost my card,lost_card\nhow do I top up,top_up\n';

const BANKING: RemoteDataset = {
  dataset: 'Banking77',
  folder: 'Banking77',
  origin: 'test',
  files: [
    { url: 'https://example.org/b/train.csv', target: 'train.csv' },
    { url: 'https://example.org/b/test.csv', target: 'test.csv' },
  ],
};

type Handler = (url: string, signal?: AbortSignal) => Response | Promise<Response>;

function fakeFetch(handler: Handler): FetchFunction & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (url: string, init: { signal?: AbortSignal }) => {
    calls.push(url);
    return handler(url, init.signal);
  };
  return Object.assign(fn, { calls });
}

/** A body that sends `chunks` and then breaks off with an error. */
function brokenBody(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(strToU8(chunk));
      controller.error(new Error('socket hang up'));
    },
  });
}

function files(contents: Record<string, string>): Handler {
  return (url) => {
    const name = url.split('/').pop()!;
    return name in contents ? new Response(contents[name]) : new Response('no', { status: 404 });
  };
}

describe('downloadDataset', () => {
  it('fetches the missing files, keeps present ones and reports progress', async () => {
    const { sink, contents } = memorySink('mem:Banking77', { 'test.csv': TEST });
    const fetch = fakeFetch(files({ 'train.csv': TRAIN }));
    const events: DownloadProgress[] = [];
    const report = await downloadDataset(BANKING, { fetch, sink, onProgress: (e) => events.push(e) });
    expect(report).toEqual({
      dataset: 'Banking77',
      written: ['train.csv'],
      present: ['test.csv'],
      bytes: TRAIN.length,
    });
    expect(fetch.calls).toEqual(['https://example.org/b/train.csv']);
    expect(events[0]).toMatchObject({ stage: 'Downloading Banking77/train.csv', done: 0, fileCount: 1 });
    expect(events.at(-1)).toMatchObject({ done: TRAIN.length });
    const dataset = await loadDataset('Banking77', memoryFiles(sink.location, contents));
    expect(dataset.queries.map((q) => q.id)).toEqual(['card_arrival', 'lost_card', 'top_up']);
  });

  it('goes through a mirror', async () => {
    const { sink } = memorySink('mem');
    const fetch = fakeFetch(files({ 'train.csv': TRAIN, 'test.csv': TEST }));
    await downloadDataset(BANKING, { fetch, sink, mirror: 'http://127.0.0.1:9/' });
    expect(fetch.calls).toEqual([
      'http://127.0.0.1:9/example.org/b/train.csv',
      'http://127.0.0.1:9/example.org/b/test.csv',
    ]);
  });

  it('retries a 503 and a broken-off body, waiting longer each time, then succeeds', async () => {
    const { sink, contents } = memorySink('mem');
    let n = 0;
    const fetch = fakeFetch((url) => {
      if (url.endsWith('test.csv')) return new Response(TEST);
      n++;
      if (n === 1) return new Response('busy', { status: 503, statusText: 'Service Unavailable' });
      if (n === 2) return new Response(brokenBody(['text,cat']));
      return new Response(TRAIN);
    });
    const waits: number[] = [];
    await downloadDataset(BANKING, {
      fetch,
      sink,
      retryDelayMs: 10,
      wait: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([10, 20]);
    expect(new TextDecoder().decode(contents['train.csv'] as Uint8Array)).toBe(TRAIN);
  });

  it('does not retry a 404, and names the status, the URL and what to do', async () => {
    const { sink, contents } = memorySink('mem:Banking77');
    const fetch = fakeFetch(files({ 'train.csv': TRAIN }));
    const error = await downloadDataset(BANKING, { fetch, sink }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).kind).toBe('http');
    expect((error as Error).message).toMatch(
      /^dataset Banking77: HTTP 404 from https:\/\/example\.org\/b\/test\.csv; .*download the files by hand into mem:Banking77/,
    );
    expect((error as Error).message).toContain('\n  https://example.org/b/test.csv → test.csv');
    expect(fetch.calls.filter((u) => u.endsWith('test.csv'))).toHaveLength(1);
    expect(Object.keys(contents)).toEqual(['train.csv']);
  });

  it('says a host cannot be reached when fetch rejects, after the retries', async () => {
    const { sink, contents } = memorySink('/data/Banking77');
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    const fetch = fakeFetch(() => Promise.reject(new TypeError('fetch failed', { cause: refused })));
    const error = (await downloadDataset(BANKING, { fetch, sink }).catch((e: unknown) => e)) as DownloadError;
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(
      /^could not reach example\.org \(connect ECONNREFUSED 10\.0\.0\.1:443\): download the files by hand into \/data\/Banking77 \(source list below\) or check your network\n/,
    );
    expect(fetch.calls).toHaveLength(3);
    expect(contents).toEqual({});
  });

  it('treats a body shorter than its content-length as broken off', async () => {
    const { sink, contents } = memorySink('mem');
    const fetch = fakeFetch(
      () => new Response(TRAIN, { headers: { 'content-length': String(TRAIN.length + 5) } }),
    );
    const error = (await downloadDataset(BANKING, { fetch, sink, retries: 0 }).catch(
      (e: unknown) => e,
    )) as DownloadError;
    expect(error.kind).toBe('interrupted');
    expect(error.message).toContain(`ended after ${TRAIN.length} of ${TRAIN.length + 5} bytes`);
    expect(contents).toEqual({});
  });

  it('ignores content-length for an encoded body (fetch hands over decoded bytes)', async () => {
    const { sink, contents } = memorySink('mem');
    const fetch = fakeFetch(
      (url) =>
        new Response(url.endsWith('train.csv') ? TRAIN : TEST, {
          headers: { 'content-length': '7', 'content-encoding': 'gzip' },
        }),
    );
    await downloadDataset(BANKING, { fetch, sink });
    expect(Object.keys(contents).sort()).toEqual(['test.csv', 'train.csv']);
  });

  it('stops when cancelled, leaving nothing behind', async () => {
    const { sink, contents } = memorySink('mem');
    const controller = new AbortController();
    const fetch = fakeFetch(
      (_url, signal) =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(stream) {
              stream.enqueue(strToU8('text,category\n'));
              signal?.addEventListener('abort', () => stream.error(signal.reason));
            },
          }),
        ),
    );
    const reason = new Error('Cancelled by the test');
    const pending = downloadDataset(BANKING, {
      fetch,
      sink,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.done > 0) controller.abort(reason);
      },
    });
    await expect(pending).rejects.toBe(reason);
    expect(fetch.calls).toHaveLength(1);
    expect(contents).toEqual({});
  });

  it('does not retry when the sink fails', async () => {
    const { sink } = memorySink('mem');
    const failing = { ...sink, create: () => Promise.reject(new Error('ENOSPC: no space left on device')) };
    const fetch = fakeFetch(files({ 'train.csv': TRAIN }));
    await expect(downloadDataset(BANKING, { fetch, sink: failing })).rejects.toThrow(
      'could not save https://example.org/b/train.csv: ENOSPC: no space left on device',
    );
    expect(fetch.calls).toHaveLength(1);
  });
});

describe('downloadDataset with a zip', () => {
  const corpus =
    '{"_id": "d1", "title": "T1", "text": "alpha"}\n{"_id": "d2", "title": "", "text": "beta"}\n';
  const queries = '{"_id": "q1", "text": "alpha?"}\n';
  const qrels = 'query-id\tcorpus-id\tscore\nq1\td1\t1\n';
  const source: RemoteDataset = {
    dataset: 'NFCorpus',
    folder: 'NFCorpus',
    origin: 'test',
    files: [
      {
        url: 'https://example.org/nfcorpus.zip',
        unzip: [
          { entry: 'nfcorpus/corpus.jsonl', target: 'corpus.jsonl' },
          { entry: 'nfcorpus/queries.jsonl', target: 'queries.jsonl' },
          { entry: 'nfcorpus/qrels/test.tsv', target: 'qrels/test.tsv' },
        ],
      },
    ],
  };
  const zip = zipSync({
    nfcorpus: {
      'corpus.jsonl': strToU8(corpus),
      'queries.jsonl': strToU8(queries),
      qrels: { 'test.tsv': strToU8(qrels), 'dev.tsv': [strToU8(qrels), { level: 0 }] },
    },
  });
  /** The zip sent in small pieces, as a network would. */
  const chunked = (bytes: Uint8Array) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 37) controller.enqueue(bytes.slice(i, i + 37));
        controller.close();
      },
    });

  it('unpacks the mapped entries into the folder layout and parses', async () => {
    const { sink, contents } = memorySink('mem:NFCorpus');
    const report = await downloadDataset(source, {
      fetch: fakeFetch(() => new Response(chunked(zip))),
      sink,
    });
    expect(report.written).toEqual(['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv']);
    expect(Object.keys(contents).sort()).toEqual(['corpus.jsonl', 'qrels/test.tsv', 'queries.jsonl']);
    const dataset = await loadDataset('NFCorpus', memoryFiles(sink.location, contents));
    expect(dataset.documents.map((d) => d.text)).toEqual(['T1 alpha', 'beta']);
    expect(dataset.queries).toHaveLength(1);
  });

  it('refuses a truncated zip and one without the expected entries, writing nothing', async () => {
    const { sink, contents } = memorySink('mem');
    const truncated = zip.slice(0, zip.length - 30);
    await expect(
      downloadDataset(source, { fetch: fakeFetch(() => new Response(truncated)), sink, retries: 0 }),
    ).rejects.toThrow(/is not a usable zip archive: it has no end-of-central-directory record/);
    const other = zipSync({ 'readme.txt': strToU8('hello') });
    await expect(
      downloadDataset(source, { fetch: fakeFetch(() => new Response(other)), sink }),
    ).rejects.toThrow(/it has no entry "nfcorpus\/corpus\.jsonl", "nfcorpus\/queries\.jsonl"/);
    await expect(
      downloadDataset(source, { fetch: fakeFetch(() => new Response('<html>moved</html>')), sink }),
    ).rejects.toThrow(/is not a usable zip archive/);
    expect(contents).toEqual({});
  });

  it('extracts only the entries whose targets are missing', async () => {
    const { sink, contents } = memorySink('mem', { 'corpus.jsonl': 'kept' });
    const report = await downloadDataset(source, { fetch: fakeFetch(() => new Response(zip)), sink });
    expect(report.present).toEqual(['corpus.jsonl']);
    expect(report.written).toEqual(['queries.jsonl', 'qrels/test.tsv']);
    expect(contents['corpus.jsonl']).toBe('kept');
  });
});
