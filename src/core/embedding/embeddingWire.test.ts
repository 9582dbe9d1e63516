import { describe, expect, it } from 'vitest';
import {
  base64ToFloats,
  decodeEmbeddings,
  embeddingsFromJson,
  embeddingsToJson,
  encodeEmbeddings,
  floatsToBase64,
  WIRE_HEADER_BYTES,
} from './embeddingWire';

describe('embedding wire format', () => {
  const vectors = Float32Array.from({ length: 3 * 5 }, (_, i) => Math.sin(i) * 1e3 + i / 7);

  it('round-trips float32 rows exactly, binary and base64 JSON', () => {
    const body = encodeEmbeddings({ vectors, count: 3, dims: 5, cached: 2 });
    expect(body.length).toBe(WIRE_HEADER_BYTES + 3 * 5 * 4);
    expect(String.fromCharCode(...body.subarray(0, 4))).toBe('EMB1');
    const back = decodeEmbeddings(body.slice().buffer);
    expect(back).toMatchObject({ count: 3, dims: 5, cached: 2 });
    expect(Array.from(back.vectors)).toEqual(Array.from(vectors));

    const json = JSON.parse(JSON.stringify(embeddingsToJson({ vectors, count: 3, dims: 5, cached: 0 })));
    expect(json.encoding).toBe('base64-float32le');
    expect(Array.from(embeddingsFromJson(json).vectors)).toEqual(Array.from(vectors));
    expect(Array.from(base64ToFloats(floatsToBase64(vectors)))).toEqual(Array.from(vectors));
    // OpenAI's base64 is the same little-endian float32 bytes.
    expect(floatsToBase64(Float32Array.of(1))).toBe(
      Buffer.from(Float32Array.of(1).buffer).toString('base64'),
    );
  });

  it('refuses bodies that are not embeddings, or were cut off', () => {
    const body = encodeEmbeddings({ vectors, count: 3, dims: 5, cached: 0 });
    expect(() => decodeEmbeddings(new TextEncoder().encode('<html>proxy error</html>'))).toThrow(/no EMB1/);
    expect(() => decodeEmbeddings(body.subarray(0, body.length - 4))).toThrow(/cut off/);
    expect(() => embeddingsFromJson({ data: [] })).toThrow(/not an embeddings body/);
    expect(() => encodeEmbeddings({ vectors, count: 2, dims: 5, cached: 0 })).toThrow(/15 floats for 2 × 5/);
    expect(() => base64ToFloats('AAA=')).toThrow(/not float32/);
  });
});
