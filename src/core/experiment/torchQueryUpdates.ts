import { unzipSync, zipSync, type ZipOptions } from 'fflate';
import { NameRegistry, Parser } from 'pickleparser';
import { PickleWriter } from './pickleWriter';

/**
 * `tensors/<slug>/query_updates.pt`, the reference's trajectory file, in PyTorch's own format so that
 * `torch.load` reads what this project writes and this project reads what `torch.save` wrote.
 *
 * The format (PyTorch ≥ 1.6, as 1.13 writes it): a zip archive, every entry stored, whose entries sit in one
 * folder named after the file (`query_updates/`): `data.pkl` (the object, pickle protocol 2, each tensor a
 * `torch._utils._rebuild_tensor_v2` call on a persistent id `('storage', torch.FloatStorage, key, 'cpu',
 * numel)`), `data/<key>` (each storage's raw little-endian float32 values) and `version` (`3\n`). Each
 * entry's data starts on a 64-byte boundary (torch pads the local header's extra field, id `FB`, with `Z`s),
 * so that a loader can map storages in place.
 */

/** The dict the reference saves per topic (`save_query_updates`). */
export interface QueryUpdates {
  topic: string;
  /** 0, 1, ..., N: the step of each row of `queryUpdates`. */
  steps: number[];
  /** Loss before each of the N steps. */
  lossPerStep: Float32Array;
  /** N+1 rows of `dims` values: the query before the first step, then after each step. */
  queryUpdates: Float32Array;
  dims: number;
}

const ARCHIVE = 'query_updates';
const ALIGNMENT = 64;
/** The extra-field id torch uses for its padding ("FB", little-endian). */
const PADDING_FIELD = 0x4246;
/** zip's earliest date; torch writes none, and a fixed one keeps files byte-for-byte reproducible. */
const ZIP_TIME = new Date(1980, 0, 1);

/** The bytes of `query_updates.pt` for one topic, as `torch.save` writes the reference's dict. */
export function queryUpdatesPt(updates: QueryUpdates): Uint8Array {
  const { steps, lossPerStep, queryUpdates, dims } = updates;
  if (queryUpdates.length !== steps.length * dims)
    throw new Error(`query_updates: ${queryUpdates.length} values for ${steps.length} steps of ${dims}`);
  if (lossPerStep.length !== steps.length - 1)
    throw new Error(`query_updates: ${lossPerStep.length} losses for ${steps.length - 1} steps`);
  const p = new PickleWriter().emptyDict().mark();
  p.str('topic').str(updates.topic);
  p.str('steps').intList(steps);
  p.str('loss_per_step');
  tensor(p, '0', [lossPerStep.length], [1]);
  p.str('query_updates');
  tensor(p, '1', [steps.length, dims], [dims, 1]);
  const pickle = p.setItems().finish();

  const entries: [string, Uint8Array][] = [
    ['data.pkl', pickle],
    ['data/0', littleEndian(lossPerStep)],
    ['data/1', littleEndian(queryUpdates)],
    ['version', new TextEncoder().encode('3\n')],
  ];
  // fflate lays entries out in order: a 30-byte local header, the name, the extra field, then the data.
  const zip: Record<string, [Uint8Array, ZipOptions]> = {};
  let offset = 0;
  for (const [name, data] of entries) {
    const path = `${ARCHIVE}/${name}`;
    const header = 30 + new TextEncoder().encode(path).length + 4;
    const padding = (ALIGNMENT - ((offset + header) % ALIGNMENT)) % ALIGNMENT;
    const extra = { [PADDING_FIELD]: new Uint8Array(padding).fill(0x5a) };
    zip[path] = [data, { level: 0, mtime: ZIP_TIME, extra }];
    offset += header + padding + data.length;
  }
  return zipSync(zip);
}

/** A float32 tensor: `_rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())`. */
function tensor(p: PickleWriter, key: string, size: number[], stride: number[]): void {
  const numel = size.reduce((a, b) => a * b, 1);
  p.global('torch._utils', '_rebuild_tensor_v2').mark();
  p.mark().str('storage', true).global('torch', 'FloatStorage').str(key).str('cpu', true).int(numel);
  p.endTuple(5).persistentId();
  p.int(0).intTuple(size).intTuple(stride).bool(false);
  p.global('collections', 'OrderedDict').emptyTuple().reduce();
  p.endTuple(6).reduce();
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function littleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  if (LITTLE_ENDIAN) bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  else values.forEach((v, i) => new DataView(bytes.buffer).setFloat32(i * 4, v, true));
  return bytes;
}

interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Reads a `query_updates.pt` written by `torch.save` (any archive folder name) or by `queryUpdatesPt`. */
export function readQueryUpdatesPt(bytes: Uint8Array, where = 'query_updates.pt'): QueryUpdates {
  const fail = (why: string): never => {
    throw new Error(`${where} is not the reference's query_updates.pt: ${why}`);
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    return fail(`not a zip archive (${(error as Error).message}); files of torch < 1.6 are not read`);
  }
  const pickleName = Object.keys(entries).find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (!pickleName) return fail('no <archive>/data.pkl entry');
  const prefix = pickleName.slice(0, -'data.pkl'.length);

  const floatStorage = () => fail('torch.FloatStorage is a type, not a call');
  const names = new NameRegistry()
    .register('torch', 'FloatStorage', floatStorage)
    .register('collections', 'OrderedDict', () => new Map())
    .register(
      'torch._utils',
      '_rebuild_tensor_v2',
      (storage: Float32Array, offset: number, size: number[], stride: number[]): Tensor => {
        // The reference's tensors are contiguous (row-major); a strided view would need a gather.
        const contiguous = size.map((_, i) => size.slice(i + 1).reduce((a, b) => a * b, 1));
        if (size.length > 1 && stride.some((s, i) => s !== contiguous[i])) fail('a tensor is not contiguous');
        const numel = size.reduce((a, b) => a * b, 1);
        return { shape: size, data: storage.subarray(offset, offset + numel) };
      },
    );
  const persistentResolver = {
    resolve(pid: unknown): Float32Array {
      if (!Array.isArray(pid) || pid[0] !== 'storage') return fail(`unknown persistent id ${String(pid)}`);
      const [, type, key, , numel] = pid as [string, unknown, string, string, number];
      if (type !== floatStorage) return fail(`storage ${key} is not float32 (only float32 tensors are read)`);
      const data = entries[`${prefix}data/${key}`] ?? fail(`storage data/${key} is missing`);
      if (data.length !== numel * 4)
        fail(`storage data/${key} holds ${data.length} bytes for ${numel} floats`);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      return Float32Array.from({ length: numel }, (_, i) => view.getFloat32(i * 4, true));
    },
  };
  let value: unknown;
  try {
    value = new Parser({ nameResolver: names, persistentResolver }).parse(entries[pickleName]);
  } catch (error) {
    return fail(`data.pkl does not unpickle (${(error as Error).message})`);
  }
  const dict = value as Record<string, unknown>;
  const loss = dict.loss_per_step as Tensor | undefined;
  const updates = dict.query_updates as Tensor | undefined;
  if (typeof dict.topic !== 'string') fail('no "topic" string');
  if (!Array.isArray(dict.steps) || !dict.steps.every((s) => typeof s === 'number')) fail('no "steps" list');
  if (!loss?.data || loss.shape.length !== 1) fail('"loss_per_step" is not a 1-d tensor');
  if (!updates?.data || updates.shape.length !== 2) fail('"query_updates" is not a 2-d tensor');
  const steps = dict.steps as number[];
  if (updates!.shape[0] !== steps.length) fail(`${updates!.shape[0]} query rows for ${steps.length} steps`);
  return {
    topic: dict.topic as string,
    steps,
    lossPerStep: loss!.data,
    queryUpdates: updates!.data,
    dims: updates!.shape[1],
  };
}
