import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { queryUpdatesPt, readQueryUpdatesPt } from './torchQueryUpdates';

const fixture = path.resolve(
  new URL('../../..', import.meta.url).pathname,
  '../shared/reference/reference-run/tensors/Renting_a_car__what_do_I_need/query_updates.pt',
);

/** The local-header offsets and data offsets of a zip's entries, read from the central directory. */
function entryOffsets(zip: Uint8Array): { name: string; data: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  let at = view.getUint32(end + 16, true);
  const out: { name: string; data: number }[] = [];
  for (let n = view.getUint16(end + 10, true); n > 0; n--) {
    const nameLength = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    const local = view.getUint32(at + 42, true);
    const data = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    out.push({ name, data });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return out;
}

describe('query_updates.pt', () => {
  const torchWritten = new Uint8Array(readFileSync(fixture));

  it('reads what torch.save (PyTorch 1.13) wrote', () => {
    const u = readQueryUpdatesPt(torchWritten);
    expect(u.topic).toBe('Renting a car: what do I need?');
    expect(u.steps).toEqual(Array.from({ length: 21 }, (_, s) => s));
    expect(u.lossPerStep.length).toBe(20);
    expect(u.dims).toBe(16);
    expect(u.queryUpdates.length).toBe(21 * 16);
    // torch.load(...)['loss_per_step'][0], [19] and ['query_updates'][0, 0], [20, 15]
    expect(u.lossPerStep[0]).toBe(0.22326315939426422);
    expect(u.lossPerStep[19]).toBe(0.0974057987332344);
    expect(u.queryUpdates[0]).toBe(0.44725126028060913);
    expect(u.queryUpdates[20 * 16 + 15]).toBe(-1.0754189491271973);
  });

  it('reads the layout of newer PyTorch too: another archive folder, byteorder and .data/ entries', () => {
    const entries = unzipSync(torchWritten);
    const newer: Record<string, Uint8Array> = {};
    for (const [name, data] of Object.entries(entries))
      newer[`archive/${name.slice(name.indexOf('/') + 1)}`] = data;
    newer['archive/byteorder'] = new TextEncoder().encode('little');
    newer['archive/.data/version'] = new TextEncoder().encode('3\n');
    newer['archive/.data/serialization_id'] = new TextEncoder().encode('0123456789');
    expect(readQueryUpdatesPt(zipSync(newer, { level: 0 }))).toEqual(readQueryUpdatesPt(torchWritten));
  });

  it("writes torch's own bytes: the same data.pkl, storages and version, data aligned to 64 bytes", () => {
    const written = queryUpdatesPt(readQueryUpdatesPt(torchWritten));
    const ours = unzipSync(written);
    const theirs = unzipSync(torchWritten);
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(Object.keys(ours)).toEqual([
      'query_updates/data.pkl',
      'query_updates/data/0',
      'query_updates/data/1',
      'query_updates/version',
    ]);
    for (const name of Object.keys(theirs)) expect(ours[name], name).toEqual(theirs[name]);
    expect(entryOffsets(written).map((e) => e.data % 64)).toEqual([0, 0, 0, 0]);
    expect(entryOffsets(torchWritten).map((e) => e.data % 64)).toEqual([0, 0, 0, 0]);
  });

  it('batches long step lists as pickle does and refuses mismatched shapes', () => {
    const steps = Array.from({ length: 1202 }, (_, s) => s);
    const u = {
      topic: 'long',
      steps,
      lossPerStep: new Float32Array(1201).fill(0.5),
      queryUpdates: new Float32Array(1202 * 2).fill(0.25),
      dims: 2,
    };
    const back = readQueryUpdatesPt(queryUpdatesPt(u));
    expect(back.steps).toEqual(steps);
    expect(back.queryUpdates[2403]).toBe(0.25);
    expect(() => queryUpdatesPt({ ...u, dims: 3 })).toThrow(/2404 values for 1202 steps of 3/);
    expect(() => readQueryUpdatesPt(new Uint8Array([1, 2, 3]), 'x.pt')).toThrow(/x\.pt is not .*not a zip/);
  });
});
