import { describe, expect, it } from 'vitest';
import { ByteChunks } from './byteChunks';
import { float32Text, float32TextSlow, lastFloat32Value, writeFloat32Text } from './float32Digits';
import { SeededRandom } from '../rng';

const latin1 = new TextDecoder('latin1');

describe('float32Digits', () => {
  it('writes exactly the text of the string functions, for every kind of float32', () => {
    const rng = new SeededRandom(11);
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    const values = [0, -0, 1, -1, 0.1, 1e-6, 9.999999e-7, 1e5, 99999.99, 1e-45, 3.4028235e38, NaN, Infinity];
    for (let i = 0; i < 50_000; i++) {
      bits[0] = Math.floor(rng.next() * 2 ** 32);
      values.push(asFloat[0]);
      values.push(Math.fround(rng.next() * 2.4 - 1.2));
      // Log-uniform over the fast path's range, 1e-6 to 1e5.
      values.push(Math.fround(10 ** (rng.next() * 11 - 6)));
    }
    // Powers of two and their neighbours: the float32 gaps below and above differ there.
    for (let k = -24; k <= 17; k++) {
      asFloat[0] = 2 ** k;
      const power = bits[0];
      for (let d = -3; d <= 3; d++) {
        bits[0] = power + d;
        values.push(asFloat[0], -asFloat[0]);
      }
    }
    const buffer = new Uint8Array(32);
    let mismatches = 0;
    for (const v of values) {
      const expected = float32TextSlow(v);
      const end = writeFloat32Text(buffer, 0, v);
      if (latin1.decode(buffer.subarray(0, end)) !== expected || float32Text(v) !== expected) mismatches++;
      if (Number.isFinite(v)) expect(lastFloat32Value()).toBe(Number(expected));
    }
    expect(mismatches).toBe(0);
  });

  it('places the digits and the point as the string functions do: integers, zeros inside, leading zeros', () => {
    const values: number[] = [];
    for (let k = 0; k < 100_000; k += 7) values.push(k, k / 10, k / 1000, k / 1e5, k * 1e-9, 1 + k * 1e-5);
    for (const v of [10.05, 100.001, 1000.5, 99999.99, 0.0001, 0.00100001, 1e-6, 123456.7, 1048576])
      values.push(v);
    const buffer = new Uint8Array(32);
    const wrong = values.filter(
      (v) => latin1.decode(buffer.subarray(0, writeFloat32Text(buffer, 0, v))) !== float32TextSlow(v),
    );
    expect(wrong).toEqual([]);
  });

  it('hands out chunks of whole lines', () => {
    const out = new ByteChunks();
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 200_000; i++) {
      out
        .reserve(40)
        .ascii(String(i))
        .byte(44)
        .float32(i / 7)
        .byte(10);
      const chunk = out.take();
      if (chunk) chunks.push(chunk);
    }
    chunks.push(out.flush());
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.at(-1) === 10)).toBe(true);
    const lines = chunks
      .map((c) => latin1.decode(c))
      .join('')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(200_000);
    expect(lines[12345]).toBe(`12345,${float32Text(12345 / 7)}`);
  });
});
