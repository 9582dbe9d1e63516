import onnxProto, { type onnx } from 'onnx-proto';

// A CommonJS module (module.exports = root): Node's ESM loader offers it as the default export only.
const { TensorProto, AttributeProto, ModelProto } = onnxProto.onnx;

/**
 * The ONNX model files this project's fixture model needs, described in a few small shapes and encoded with
 * `onnx-proto` (protobufjs code generated from onnx/onnx.proto): no Python `onnx` package.
 */

export const TensorType = {
  FLOAT: TensorProto.DataType.FLOAT,
  UINT8: TensorProto.DataType.UINT8,
  INT8: TensorProto.DataType.INT8,
  INT64: TensorProto.DataType.INT64,
  FLOAT16: TensorProto.DataType.FLOAT16,
} as const;
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

const { AttributeType } = AttributeProto;

function tensorProto(t: TensorInit): onnx.ITensorProto {
  return { dims: t.dims, dataType: t.type, name: t.name, rawData: t.raw };
}

function attributeProto(name: string, a: AttributeValue): onnx.IAttributeProto {
  switch (a.kind) {
    case 'float':
      return { name, f: a.value, type: AttributeType.FLOAT };
    case 'int':
      return { name, i: a.value, type: AttributeType.INT };
    case 'tensor':
      return { name, t: tensorProto(a.value), type: AttributeType.TENSOR };
    case 'ints':
      return { name, ints: a.value, type: AttributeType.INTS };
  }
}

function valueInfoProto(v: ValueInfoInit): onnx.IValueInfoProto {
  const dim = v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: v.name, type: { tensorType: { elemType: v.type, shape: { dim } } } };
}

/** The bytes of an ONNX `ModelProto` (IR version 8) holding `graph`, for the default domain at `opset`. */
export function encodeModel(graph: GraphInit, opset: number, producer: string): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: producer,
    producerVersion: '1',
    graph: {
      node: graph.nodes.map((n, index) => ({
        input: n.inputs,
        output: n.outputs,
        name: `${n.op}_${index}`,
        opType: n.op,
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attributeProto(name, value)),
      })),
      name: graph.name,
      initializer: graph.initializers.map(tensorProto),
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
    },
    opsetImport: [{ domain: '', version: opset }],
  };
  // A plain Uint8Array: protobufjs hands out a Node Buffer where there is one.
  return new Uint8Array(ModelProto.encode(model).finish());
}
