/**
 * A minimal writer of ONNX model files (the `onnx.proto` messages this project's fixture model needs),
 * encoded by hand as protocol buffers: no Python `onnx` package and no protobuf dependency.
 * Field numbers follow onnx/onnx.proto (IR version 8).
 */

export const TensorType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7, FLOAT16: 10 } as const;
export type TensorTypeCode = (typeof TensorType)[keyof typeof TensorType];

export interface TensorInit {
  name: string;
  dims: number[];
  type: TensorTypeCode;
  /** Little-endian element bytes (`raw_data`). */
  raw: Uint8Array;
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'tensor'; value: TensorInit };

export interface NodeInit {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface ValueInfoInit {
  name: string;
  type: TensorTypeCode;
  /** A number is a fixed size, a string a symbolic one (`batch_size`). */
  shape: (number | string)[];
}

export interface GraphInit {
  name: string;
  nodes: NodeInit[];
  initializers: TensorInit[];
  inputs: ValueInfoInit[];
  outputs: ValueInfoInit[];
}

/** Protocol-buffer bytes of one message, built field by field. */
class ProtoWriter {
  private readonly chunks: number[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
  }

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(...bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    for (const b of value) this.chunks.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function tensorProto(t: TensorInit): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type);
  w.string(8, t.name);
  w.bytes(9, t.raw);
  return w;
}

function attributeProto(name: string, a: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  switch (a.kind) {
    case 'float':
      return w.float(2, a.value).int(20, 1);
    case 'int':
      return w.int(3, a.value).int(20, 2);
    case 'tensor':
      return w.message(5, tensorProto(a.value)).int(20, 4);
    case 'ints':
      for (const v of a.value) w.int(8, v);
      return w.int(20, 7);
  }
}

function nodeProto(n: NodeInit, index: number): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, attributeProto(name, value));
  return w;
}

function valueInfoProto(v: ValueInfoInit): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, v.type).message(2, shape);
  const typeProto = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, typeProto);
}

/** The bytes of an ONNX `ModelProto` (IR version 8) holding `graph`, for the default domain at `opset`. */
export function encodeModel(graph: GraphInit, opset: number, producer: string): Uint8Array {
  const g = new ProtoWriter();
  graph.nodes.forEach((n, i) => g.message(1, nodeProto(n, i)));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensorProto(t));
  for (const v of graph.inputs) g.message(11, valueInfoProto(v));
  for (const v of graph.outputs) g.message(12, valueInfoProto(v));
  const opsetId = new ProtoWriter().string(1, '').int(2, opset);
  return new ProtoWriter()
    .int(1, 8)
    .string(2, producer)
    .string(3, '1')
    .message(7, g)
    .message(8, opsetId)
    .finish();
}
