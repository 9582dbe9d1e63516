/**
 * A Python pickle writer (protocol 2) for the few kinds of values PyTorch's `torch.save` pickles: str, int,
 * bool, lists, tuples, globals, REDUCE calls and persistent ids. It emits the opcodes CPython's pickler emits
 * for the same objects, memo (BINPUT/BINGET) included, so a file reads as torch's own would. Values are
 * written in call order, as a pickler walks an object.
 */

/** The opcodes used (pickletools names). */
const Op = {
  Mark: 0x28, // (
  Stop: 0x2e, // .
  BinInt: 0x4a, // J
  BinInt1: 0x4b, // K
  BinInt2: 0x4d, // M
  BinPersId: 0x51, // Q
  Reduce: 0x52, // R
  BinUnicode: 0x58, // X
  Append: 0x61, // a
  Appends: 0x65, // e
  BinGet: 0x68, // h
  LongBinGet: 0x6a, // j
  EmptyList: 0x5d, // ]
  Global: 0x63, // c
  BinPut: 0x71, // q
  LongBinPut: 0x72, // r
  SetItems: 0x75, // u
  Tuple: 0x74, // t
  EmptyTuple: 0x29, // )
  EmptyDict: 0x7d, // }
  Proto: 0x80,
  Tuple1: 0x85,
  Tuple2: 0x86,
  Tuple3: 0x87,
  NewTrue: 0x88,
  NewFalse: 0x89,
} as const;

/** CPython pickles lists and dicts in batches of this many items (MARK ... APPENDS). */
const BATCH = 1000;

export class PickleWriter {
  private bytes = new Uint8Array(256);
  private length = 0;
  private nextMemo = 0;
  /** Memo of objects pickled once and referenced again (globals, shared strings), by a caller-chosen key. */
  private readonly memo = new Map<string, number>();

  constructor() {
    this.byte(Op.Proto, 2);
  }

  private byte(...values: number[]): void {
    this.ensure(values.length);
    for (const v of values) this.bytes[this.length++] = v;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  private uint32(value: number): void {
    this.byte(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }

  /** Memoizes the object just written (BINPUT), as the pickler does for every str, list, tuple and global. */
  private put(key?: string): void {
    const index = this.nextMemo++;
    if (index < 256) this.byte(Op.BinPut, index);
    else {
      this.byte(Op.LongBinPut);
      this.uint32(index);
    }
    if (key !== undefined) this.memo.set(key, index);
  }

  /** Writes a reference to a memoized object (BINGET) when `key` was memoized; returns whether it did. */
  private get(key: string): boolean {
    const index = this.memo.get(key);
    if (index === undefined) return false;
    if (index < 256) this.byte(Op.BinGet, index);
    else {
      this.byte(Op.LongBinGet);
      this.uint32(index);
    }
    return true;
  }

  mark(): this {
    this.byte(Op.Mark);
    return this;
  }

  /**
   * A str. `shared` strings are one object pickled once and referenced after (torch's `'storage'` and
   * `'cpu'` literals); other strings are new objects each time, as texts read at run time are.
   */
  str(text: string, shared = false): this {
    if (shared && this.get(`str:${text}`)) return this;
    const utf8 = new TextEncoder().encode(text);
    this.byte(Op.BinUnicode);
    this.uint32(utf8.length);
    this.ensure(utf8.length);
    this.bytes.set(utf8, this.length);
    this.length += utf8.length;
    this.put(shared ? `str:${text}` : undefined);
    return this;
  }

  int(value: number): this {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
      throw new Error(`pickle: ${value} is not a 32-bit integer`);
    if (value >= 0 && value < 256) this.byte(Op.BinInt1, value);
    else if (value >= 0 && value < 65536) this.byte(Op.BinInt2, value & 0xff, value >> 8);
    else {
      this.byte(Op.BinInt);
      this.uint32(value >>> 0);
    }
    return this;
  }

  bool(value: boolean): this {
    this.byte(value ? Op.NewTrue : Op.NewFalse);
    return this;
  }

  /** A module-level name (`torch._utils._rebuild_tensor_v2`), pickled once and referenced after. */
  global(module: string, name: string): this {
    const key = `global:${module}\n${name}`;
    if (this.get(key)) return this;
    const text = new TextEncoder().encode(`${module}\n${name}\n`);
    this.byte(Op.Global, ...text);
    this.put(key);
    return this;
  }

  /**
   * A list of ints: EMPTY_LIST, then the items as CPython's C pickler (torch's) appends them: one item with
   * APPEND, more in batches of MARK ... APPENDS (a last batch of one included).
   */
  intList(values: readonly number[]): this {
    this.byte(Op.EmptyList);
    this.put();
    if (values.length === 1) return this.int(values[0]).byteThis(Op.Append);
    for (let start = 0; start < values.length; start += BATCH) {
      this.mark();
      for (const v of values.slice(start, start + BATCH)) this.int(v);
      this.byte(Op.Appends);
    }
    return this;
  }

  private byteThis(value: number): this {
    this.byte(value);
    return this;
  }

  /** A tuple of ints (TUPLE1/2/3, or MARK ... TUPLE). */
  intTuple(values: readonly number[]): this {
    if (values.length === 0) return this.emptyTuple();
    if (values.length > 3) this.mark();
    for (const v of values) this.int(v);
    return this.endTuple(values.length);
  }

  emptyTuple(): this {
    this.byte(Op.EmptyTuple);
    return this;
  }

  /** Closes a tuple of `size` items written after a `mark()` (or, for 1 to 3 items, without one). */
  endTuple(size: number): this {
    if (size === 0) return this.emptyTuple();
    this.byte(size === 1 ? Op.Tuple1 : size === 2 ? Op.Tuple2 : size === 3 ? Op.Tuple3 : Op.Tuple);
    this.put();
    return this;
  }

  /** `callable(*args)`: the callable and the args tuple were written just before. */
  reduce(memoize = true): this {
    this.byte(Op.Reduce);
    if (memoize) this.put();
    return this;
  }

  /** The persistent id (a tuple) written just before stands for an object kept outside the pickle. */
  persistentId(): this {
    this.byte(Op.BinPersId);
    return this;
  }

  emptyDict(): this {
    this.byte(Op.EmptyDict);
    this.put();
    return this;
  }

  /** Closes the key/value pairs written after a `mark()` into the dict below the mark. */
  setItems(): this {
    this.byte(Op.SetItems);
    return this;
  }

  /** The pickle's bytes, ending with STOP. */
  finish(): Uint8Array {
    this.byte(Op.Stop);
    return this.bytes.slice(0, this.length);
  }
}
