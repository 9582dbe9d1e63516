/**
 * How embeddings travel between the server and the engine: compactly as float32, never as a JSON array of
 * numbers (4,096 floats printed as decimals are ~5× the bytes and slow to parse).
 *
 * Binary (`application/octet-stream`): a 16-byte header — the ASCII magic `EMB1`, then count, dims and
 * cached as little-endian uint32 — followed by count × dims little-endian float32, row-major.
 * JSON (for clients that ask for it): `{count, dims, cached, encoding: "base64-float32le", embeddings}` with
 * the same floats base64-encoded, as OpenAI's `encoding_format: "base64"` does per vector.
 * Platform-neutral: no Buffer, no Node built-ins.
 */

const MAGIC = [0x45, 0x4d, 0x42, 0x31]; // "EMB1"
export const WIRE_HEADER_BYTES = 16;
export const BASE64_ENCODING = 'base64-float32le';

export interface WireEmbeddings {
  vectors: Float32Array;
  count: number;
  dims: number;
  cached: number;
}

export interface WireJson {
  count: number;
  dims: number;
  cached: number;
  encoding: typeof BASE64_ENCODING;
  embeddings: string;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function checkShape(vectors: Float32Array, count: number, dims: number): void {
  if (!Number.isInteger(count) || !Number.isInteger(dims) || count < 0 || dims < 0)
    throw new Error(`embeddings: bad shape ${count} × ${dims}`);
  if (vectors.length !== count * dims)
    throw new Error(`embeddings: ${vectors.length} floats for ${count} × ${dims}`);
}

/** Little-endian bytes of `vectors` (a view when the platform is little-endian, as all current ones are). */
function floatBytes(vectors: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  const out = new Uint8Array(vectors.length * 4);
  const view = new DataView(out.buffer);
  vectors.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return out;
}

function floatsOf(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  if (littleEndian) new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/** The binary body of `vectors` (count × dims). */
export function encodeEmbeddings(e: WireEmbeddings): Uint8Array {
  checkShape(e.vectors, e.count, e.dims);
  const out = new Uint8Array(WIRE_HEADER_BYTES + e.vectors.length * 4);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, e.count, true);
  view.setUint32(8, e.dims, true);
  view.setUint32(12, e.cached, true);
  out.set(floatBytes(e.vectors), WIRE_HEADER_BYTES);
  return out;
}

/** Reads a binary body; throws a readable error for anything else (a proxy's HTML page, a cut-off body). */
export function decodeEmbeddings(body: ArrayBuffer | Uint8Array): WireEmbeddings {
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  if (bytes.length < WIRE_HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b))
    throw new Error('the answer is not an embeddings body (no EMB1 header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const dims = view.getUint32(8, true);
  const cached = view.getUint32(12, true);
  const expected = WIRE_HEADER_BYTES + count * dims * 4;
  if (bytes.length !== expected)
    throw new Error(`the embeddings body has ${bytes.length} bytes, ${expected} expected (cut off?)`);
  return { vectors: floatsOf(bytes.subarray(WIRE_HEADER_BYTES), count * dims), count, dims, cached };
}

/** The JSON body of `vectors`, floats in base64. */
export function embeddingsToJson(e: WireEmbeddings): WireJson {
  checkShape(e.vectors, e.count, e.dims);
  return {
    count: e.count,
    dims: e.dims,
    cached: e.cached,
    encoding: BASE64_ENCODING,
    embeddings: bytesToBase64(floatBytes(e.vectors)),
  };
}

/** Reads a JSON body; throws a readable error when it is not one. */
export function embeddingsFromJson(json: unknown): WireEmbeddings {
  const j = json as Partial<WireJson> | null;
  if (
    !j ||
    j.encoding !== BASE64_ENCODING ||
    typeof j.embeddings !== 'string' ||
    !Number.isInteger(j.count) ||
    !Number.isInteger(j.dims)
  )
    throw new Error('the answer is not an embeddings body (JSON without count, dims and base64 embeddings)');
  const count = j.count!;
  const dims = j.dims!;
  const bytes = base64ToBytes(j.embeddings);
  if (bytes.length !== count * dims * 4)
    throw new Error(`the embeddings hold ${bytes.length} bytes, ${count * dims * 4} expected`);
  return { vectors: floatsOf(bytes, count * dims), count, dims, cached: Number(j.cached ?? 0) };
}

/** Float32 little-endian base64 (OpenAI's `encoding_format: "base64"`) as floats. */
export function base64ToFloats(text: string): Float32Array {
  const bytes = base64ToBytes(text);
  if (bytes.length % 4 !== 0) throw new Error(`base64 embedding of ${bytes.length} bytes is not float32`);
  return floatsOf(bytes, bytes.length / 4);
}

export function floatsToBase64(vector: Float32Array): string {
  return bytesToBase64(floatBytes(vector));
}

const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(i + CHUNK, bytes.length)));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error('malformed base64');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
