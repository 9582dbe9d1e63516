import { FLOAT32_TEXT_MAX_BYTES, lastFloat32Value, writeAscii, writeFloat32Text } from './float32Digits';

/**
 * Builds a large text file as UTF-8 bytes, line by line, handing out chunks of about `CHUNK_BYTES`: the
 * raw-score and TREC files (millions of lines) are written without a string per line or per number. A
 * chunk handed out is never written again, so a consumer may keep it (a zip); a consumer done with it (a
 * write stream, once the bytes are written) gives it back with `recycleChunk`, and a later chunk reuses its
 * memory instead of a fresh mebibyte (zero-filled, page-faulted, then collected: a 100 MB file took 100).
 */

/** About a mebibyte per chunk: large enough for few writes, small enough to keep memory flat. */
const CHUNK_BYTES = 1 << 20;
/** A chunk is handed out once fewer than this many bytes are left: most lines then fit without growing it. */
const SLACK = 4096;
/** Buffers given back and not reused yet, at most `MAX_RECYCLED` (a write stream holds a few at a time). */
const recycled: Uint8Array<ArrayBuffer>[] = [];
const MAX_RECYCLED = 4;
/** The buffers of `ByteChunks`, the only ones `recycleChunk` takes. */
const ownBuffers = new WeakSet<ArrayBuffer>();

function chunkBuffer(): Uint8Array<ArrayBuffer> {
  const buffer = recycled.pop() ?? new Uint8Array(CHUNK_BYTES);
  ownBuffers.add(buffer.buffer);
  return buffer;
}

/**
 * Gives back a chunk of `ByteChunks` whose bytes nobody reads any more: a later chunk overwrites them. Any
 * other array is left alone, so a consumer may give back every chunk it was handed.
 */
export function recycleChunk(chunk: Uint8Array): void {
  const { buffer } = chunk;
  if (!(buffer instanceof ArrayBuffer) || !ownBuffers.delete(buffer)) return;
  if (buffer.byteLength === CHUNK_BYTES && recycled.length < MAX_RECYCLED)
    recycled.push(new Uint8Array(buffer));
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a text field, encoded once and written many times (ids repeat on every line). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Short byte strings in one buffer: field `i` is `bytes[starts[i]]` to `bytes[starts[i + 1]]`. */
export interface ByteFields {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
}

/**
 * The UTF-8 bytes of many short fields (a dataset's ids, as they appear on each line) in one buffer: copying
 * from one contiguous table is faster than from thousands of small arrays, read in ranking order.
 */
export class FieldTable implements ByteFields {
  readonly bytes: Uint8Array;
  /** Field `i` is `bytes[starts[i]]` to `bytes[starts[i + 1]]`. */
  readonly starts: Int32Array;
  /** The longest field's length in bytes (for `ByteChunks.reserve`). */
  readonly longest: number;

  constructor(fields: readonly string[]) {
    const encoded = fields.map(utf8);
    this.starts = new Int32Array(fields.length + 1);
    let longest = 0;
    encoded.forEach((field, i) => {
      this.starts[i + 1] = this.starts[i] + field.length;
      longest = Math.max(longest, field.length);
    });
    this.longest = longest;
    this.bytes = new Uint8Array(this.starts[fields.length]);
    encoded.forEach((field, i) => this.bytes.set(field, this.starts[i]));
  }
}

/**
 * The float32 texts (`float32Text`) of one query's scores, formatted once and copied into every line that
 * prints them: the CLI writes a type's raw-score CSV (candidate order) and TREC run (ranked order) from one
 * table per query (`rawScoresAndTrecRun`). Reused from query to query: a query's table (about 165 kB for
 * 15 000 candidates) stays in the cache while both files copy from it.
 */
export class Float32Texts implements ByteFields {
  bytes: Uint8Array = new Uint8Array(0);
  starts: Int32Array = new Int32Array(1);
  /** The number each text reads back as (float64: `lastFloat32Value`). */
  values: Float64Array = new Float64Array(0);
  /** How many scores the table holds. */
  length = 0;

  /** Formats `scores` (replacing the previous query's). */
  fill(scores: Float32Array): this {
    const n = scores.length;
    if (this.values.length < n) {
      this.bytes = new Uint8Array(n * FLOAT32_TEXT_MAX_BYTES);
      this.starts = new Int32Array(n + 1);
      this.values = new Float64Array(n);
    }
    const { bytes, starts, values } = this;
    let at = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = at;
      at = writeFloat32Text(bytes, at, scores[i]);
      values[i] = lastFloat32Value();
    }
    starts[n] = at;
    this.length = n;
    return this;
  }
}

const NO_BUFFER = new Uint8Array(0);

/**
 * Each line starts with `reserve(bytes)`, the most the line can take; the writes that follow do not check
 * for room themselves (they run millions of times per file).
 */
export class ByteChunks {
  /** Empty until the first line, and after each chunk handed out until the next line (`reserve`). */
  private buffer: Uint8Array = NO_BUFFER;
  private at = 0;

  /** The chunk so far, when it is full enough to hand out (else undefined); the next line starts a new one. */
  take(): Uint8Array | undefined {
    return this.at >= CHUNK_BYTES - SLACK ? this.flush() : undefined;
  }

  /** Whatever is left (possibly empty). */
  flush(): Uint8Array {
    const chunk = this.buffer.subarray(0, this.at);
    this.buffer = NO_BUFFER;
    this.at = 0;
    return chunk;
  }

  /** Room for `bytes` more (a line's worth): a line longer than the slack grows this chunk. */
  reserve(bytes: number): this {
    if (this.at + bytes <= this.buffer.length) return this;
    if (this.at === 0 && bytes <= CHUNK_BYTES) {
      this.buffer = chunkBuffer();
      return this;
    }
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.at + bytes));
    grown.set(this.buffer.subarray(0, this.at));
    this.buffer = grown;
    return this;
  }

  bytes(field: Uint8Array): this {
    const n = field.length;
    // A loop: TypedArray.set costs more than copying the few bytes of an id.
    if (n > 64) this.buffer.set(field, this.at);
    else for (let i = 0, at = this.at; i < n; i++) this.buffer[at + i] = field[i];
    this.at += n;
    return this;
  }

  /** Field `index` of `table`. */
  field(table: ByteFields, index: number): this {
    const { bytes, starts } = table;
    const buffer = this.buffer;
    let at = this.at;
    for (let i = starts[index], end = starts[index + 1]; i < end; i++) buffer[at++] = bytes[i];
    this.at = at;
    return this;
  }

  /** An ASCII character. */
  byte(code: number): this {
    this.buffer[this.at++] = code;
    return this;
  }

  /** A string of ASCII characters only (numbers' texts, fixed words). */
  ascii(text: string): this {
    this.at = writeAscii(this.buffer, this.at, text);
    return this;
  }

  /** `float32Text(value)` (at most `FLOAT32_TEXT_MAX_BYTES`). */
  float32(value: number): this {
    this.at = writeFloat32Text(this.buffer, this.at, value);
    return this;
  }
}
