import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_MAX_LENGTH,
  writeCrossEncoderFixture,
  writeFixtureModel,
} from '../../../scripts/make-fixture-model';
import { DEMO_DATA } from '../datasets/demo/demoData';
import { configureTransformers, transformersSettings } from '../embedding/transformersRuntime';
import type { ProgressEvent } from '../progress';
import { releaseCrossEncoders } from './crossEncoderModel';
import { CrossEncoderTeacher } from './crossEncoderTeacher';
import { createTeacher, type TeacherOptions } from './teacherFactory';
import type { TeacherBatch } from './types';
import { fixtureModelScratch } from '../../testing/fixtureModelScratch';

// The cross-encoder teacher on the fixture (scripts/make-fixture-model.ts: a one-logit BERT-shaped
// sequence classifier) from a local folder on onnxruntime-node, as the CLI runs it.
const fixture = fixtureModelScratch(
  'cross-encoder-test-',
  (root) => writeCrossEncoderFixture(path.join(root, 'fixture', 'tiny-cross-encoder')),
  releaseCrossEncoders,
);

const utterances = DEMO_DATA.intents.flatMap((i) => i.utterances);
const queries = DEMO_DATA.intents.slice(0, 4).map((i) => i.description);

function teacher(settings: TeacherOptions['crossEncoder'] = {}, model = fixture.folder): CrossEncoderTeacher {
  const t = createTeacher(`cross-encoder:${model}`, { noise: 0, seed: 0, crossEncoder: settings });
  if (!(t instanceof CrossEncoderTeacher)) throw new Error('expected a cross-encoder teacher');
  return t;
}

/** Each query with its own slice of the demo utterances as the sampled documents. */
function batchOf(perQuery: number, offset = 0): TeacherBatch {
  return {
    task: 'classification',
    instruction: 'Find the intent',
    items: queries.map((text, q) => ({
      queryId: `q${q}`,
      queryText: text,
      documents: utterances
        .slice(offset + q * perQuery, offset + (q + 1) * perQuery)
        .map((d, k) => ({ id: `d${q}-${k}`, text: d, goldLabel: k % 2 })),
    })),
  };
}

function flat(scores: { scores: (number | null)[] }[]): number[] {
  return scores.flatMap((s) => s.scores.map((x) => x ?? NaN));
}

function maxAbsDiff(a: number[], b: number[]): number {
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i])), 0);
}

describe('CrossEncoderTeacher on the fixture (Node, local folder)', () => {
  it('scores every pair with a finite raw logit, deterministically, with progress', async () => {
    const t = teacher({ batchSize: 5 });
    expect(t.id).toBe(`cross-encoder:${fixture.folder}`);
    const events: ProgressEvent[] = [];
    const first = await t.score(batchOf(7), { onProgress: (e) => events.push(e) });
    expect(first.map((s) => s.scores.length)).toEqual([7, 7, 7, 7]);
    const values = flat(first);
    for (const v of values) expect(Number.isFinite(v)).toBe(true);
    expect(first.flatMap((s) => s.errors).every((e) => e === null)).toBe(true);
    // Raw logits: not squashed into (0, 1), and they differ between pairs.
    expect(Math.min(...values)).toBeLessThan(0);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.05);
    expect(t.activation).toBe('identity');
    expect(t.relevanceThreshold).toBe(0);
    expect(t.device).toBe('cpu');
    expect(t.maxLength).toBe(FIXTURE_MAX_LENGTH);
    expect(t.notes).toEqual([]);
    expect(events.map((e) => e.stage)).toEqual([
      'teacher',
      'teacher',
      'teacher',
      'teacher',
      'teacher',
      'teacher',
      'teacher',
    ]);
    expect(events.at(-1)).toEqual({ stage: 'teacher', done: 28, total: 28 });

    // The same again, and again after the model was unloaded and loaded afresh: the same bits.
    expect(flat(await t.score(batchOf(7)))).toEqual(values);
    await releaseCrossEncoders();
    expect(flat(await teacher().score(batchOf(7)))).toEqual(values);
  });

  it('does not depend on the batch size, and keeps the order of the pairs', async () => {
    const batch = batchOf(9, 40);
    const reference = flat(await teacher({ batchSize: 1 }).score(batch));
    for (const batchSize of [2, 7, 64]) {
      const other = flat(await teacher({ batchSize }).score(batch));
      expect(maxAbsDiff(other, reference)).toBeLessThan(1e-5);
    }
    // Documents in reverse order get their own scores back, in reverse order.
    const reversed: TeacherBatch = {
      ...batch,
      items: batch.items.map((item) => ({ ...item, documents: [...item.documents].reverse() })),
    };
    const back = await teacher().score(reversed);
    back.forEach((s, q) =>
      expect(
        maxAbsDiff([...s.scores].reverse() as number[], reference.slice(q * 9, (q + 1) * 9)),
      ).toBeLessThan(1e-5),
    );
    // One pair alone scores as it does among the others.
    const alone = await teacher().score({
      ...batch,
      items: [{ ...batch.items[2], documents: [batch.items[2].documents[4]] }],
    });
    expect(Math.abs(alone[0].scores[0]! - reference[2 * 9 + 4])).toBeLessThan(1e-5);
  });

  it('reads the pair as (query, document): swapping them changes the score', async () => {
    const t = teacher();
    const [q, d] = [queries[0], utterances[0]];
    const [one, two] = await t.score({
      task: 'search',
      instruction: '',
      items: [
        { queryId: 'a', queryText: q, documents: [{ id: 'x', text: d, goldLabel: 1 }] },
        { queryId: 'b', queryText: d, documents: [{ id: 'y', text: q, goldLabel: 1 }] },
      ],
    });
    expect(Math.abs(one.scores[0]! - two.scores[0]!)).toBeGreaterThan(1e-4);
  });

  it('scores a repeated pair once, and gives it to every place it was asked for', async () => {
    const t = teacher();
    const doc = { id: 'same', text: utterances[3], goldLabel: 1 };
    const events: ProgressEvent[] = [];
    const out = await t.score(
      {
        task: 'search',
        instruction: '',
        items: [
          { queryId: 'a', queryText: queries[1], documents: [doc, { ...doc, id: 'again' }] },
          { queryId: 'b', queryText: queries[1], documents: [doc] },
        ],
      },
      { onProgress: (e) => events.push(e) },
    );
    expect(out[0].scores[0]).toBe(out[0].scores[1]);
    expect(out[1].scores[0]).toBe(out[0].scores[0]);
    expect(events.at(-1)).toEqual({ stage: 'teacher', done: 3, total: 3 });
  });

  it('truncates long pairs longest-first: the query stays, the end of a long document does not count', async () => {
    const t = teacher();
    const long = Array.from({ length: 2 * FIXTURE_MAX_LENGTH }, (_, i) => `word${i % 7}`).join(' ');
    const item = (query: string, texts: string[]) => ({
      queryId: query,
      queryText: query,
      documents: texts.map((text, k) => ({ id: String(k), text, goldLabel: 0 })),
    });
    const [a, b] = await t.score({
      task: 'search',
      instruction: '',
      items: [
        item(queries[0], [long, `${long} and many more words at the very end`]),
        item(queries[1], [long]),
      ],
    });
    expect(a.scores[0]).toBe(a.scores[1]);
    // A different query changes the score of the same long document: the query was not cut away.
    expect(Math.abs(a.scores[0]! - b.scores[0]!)).toBeGreaterThan(1e-4);
    // A query longer than the model's maximum still scores (both texts cut to half the budget).
    const [c] = await t.score({ task: 'search', instruction: '', items: [item(long, [long, 'short'])] });
    for (const s of c.scores) expect(Number.isFinite(s)).toBe(true);
  });

  it('stops when cancelled: before it starts, and between batches', async () => {
    const before = new AbortController();
    before.abort(new Error('stop now'));
    await expect(teacher().score(batchOf(5), { signal: before.signal })).rejects.toThrow('stop now');

    const during = new AbortController();
    let calls = 0;
    await expect(
      teacher({ batchSize: 2 }).score(batchOf(5), {
        signal: during.signal,
        onProgress: (e) => {
          if (e.done > 0 && ++calls === 1) during.abort(new Error('cancelled by the test'));
        },
      }),
    ).rejects.toThrow('cancelled by the test');
    expect(calls).toBe(1);
  });

  it('falls back to the fallback device with a note when the first one cannot run the model', async () => {
    // onnxruntime-node has no wasm device: the load fails there and the teacher goes on on the CPU.
    const notes: string[] = [];
    const t = teacher({ device: 'wasm', fallbackDevice: 'cpu', onNote: (n) => notes.push(n) });
    const fallback = flat(await t.score(batchOf(3)));
    expect(t.device).toBe('cpu');
    expect(notes).toEqual([
      expect.stringMatching(/^wasm could not run cross-encoder .*; using cpu instead$/),
    ]);
    expect(t.notes).toEqual(notes);
    expect(fallback).toEqual(flat(await teacher().score(batchOf(3))));
  });

  it('applies the activation sentence-transformers would: a sigmoid when the config names none', async () => {
    const plain = path.join(fixture.root, 'no-activation');
    await cp(fixture.folder, plain, { recursive: true });
    const configFile = path.join(plain, 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    delete config.sbert_ce_default_activation_function;
    await writeFile(configFile, JSON.stringify(config));
    const logits = flat(await teacher().score(batchOf(4)));
    const t = teacher({}, plain);
    const probabilities = flat(await t.score(batchOf(4)));
    expect(t.activation).toBe('sigmoid');
    expect(t.relevanceThreshold).toBe(0.5);
    expect(
      maxAbsDiff(
        probabilities,
        logits.map((x) => 1 / (1 + Math.exp(-x))),
      ),
    ).toBeLessThan(1e-6);
  });
});

describe('cross-encoder errors say what to do', () => {
  it('rejects a bad name, and a missing model name after the colon', () => {
    expect(() => createTeacher('cross-encoder:not a model', { noise: 0, seed: 0 })).toThrow(
      /unknown cross-encoder model "not a model": give a Hugging Face Hub id/,
    );
    expect(() => createTeacher('cross-encoder:', { noise: 0, seed: 0 })).toThrow(/needs a model/);
    expect(() => teacher({ batchSize: 0 })).toThrow(/batch size must be a positive integer/);
    expect(createTeacher('cross-encoder', { noise: 0, seed: 0 }).id).toBe(
      'cross-encoder:cross-encoder/ms-marco-MiniLM-L-6-v2',
    );
  });

  it('a folder that is not a model, one without ONNX weights, and an embedding model', async () => {
    const one = batchOf(1);
    await expect(teacher({}, path.join(fixture.root, 'nothing-here')).score(one)).rejects.toThrow(
      /is not a cross-encoder folder .*needs config\.json, tokenizer\.json/,
    );
    const noWeights = path.join(fixture.root, 'no-weights');
    await cp(fixture.folder, noWeights, { recursive: true });
    await rm(path.join(noWeights, 'onnx', 'model.onnx'));
    await expect(teacher({}, noWeights).score(one)).rejects.toThrow(
      /has no ONNX weights for dtype fp32 \(onnx\/model\.onnx is missing\).*choose another dtype \(fp16, q8\)/,
    );
    // The q8 weights of the same folder are there, and score close to fp32.
    const q8 = flat(await teacher({ dtype: 'q8' }, noWeights).score(one));
    expect(maxAbsDiff(q8, flat(await teacher().score(one)))).toBeLessThan(0.1);

    const embedder = await writeFixtureModel(path.join(fixture.root, 'embedder'));
    await expect(teacher({}, embedder).score(one)).rejects.toThrow(
      /is a BertModel, not a cross-encoder: a cross-encoder is a sequence-classification model/,
    );
  });

  describe('Hub ids', () => {
    let host: Server;
    let previous: ReturnType<typeof transformersSettings>;

    beforeAll(async () => {
      previous = { ...transformersSettings() };
      // A model host that knows nothing, and then a closed port.
      host = createServer((_, res) => void res.writeHead(404).end());
      await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
      configureTransformers({ modelCacheDir: path.join(fixture.root, 'model-cache') });
    });

    afterAll(async () => {
      configureTransformers({ remoteHost: previous.remoteHost ?? 'https://huggingface.co/' });
      await new Promise((resolve) => host.close(resolve));
    });

    it('an unknown model and an unreachable host', async () => {
      configureTransformers({ remoteHost: `http://127.0.0.1:${(host.address() as AddressInfo).port}/` });
      await expect(teacher({}, 'fixture/no-such-cross-encoder').score(batchOf(1))).rejects.toThrow(
        /cross-encoder model "fixture\/no-such-cross-encoder" was not found .*check the Hub id and revision "main"/,
      );
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      configureTransformers({ remoteHost: `http://127.0.0.1:${port}/` });
      await expect(teacher({}, 'fixture/unreachable').score(batchOf(1))).rejects.toThrow(
        /downloading cross-encoder model "fixture\/unreachable" failed: .*Check the network/,
      );
    });
  });
});
