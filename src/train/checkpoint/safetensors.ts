/**
 * The safetensors format (Hugging Face), written from its specification:
 *   8 bytes   N, the header length, unsigned 64-bit little-endian
 *   N bytes   a UTF-8 JSON object: { "__metadata__"?: { string: string },
 *                                    name: { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ... }
 *             (offsets are relative to the data section; end is exclusive; may be padded with spaces)
 *   the data  each tensor's elements, row-major, little-endian; the tensors tile the section without holes.
 * The writer orders tensors by dtype size (largest first) then name and pads the header with spaces to a
 * multiple of 8 bytes, so every tensor starts aligned, as the reference implementation does.
 */
import { SafetensorsDtypeError, SafetensorsFormatError } from './errors.ts';
import { bf16ToFloat, halfToFloat } from './halfFloat.ts';

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16';

export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/** Dtypes the format defines; the reader names them in its error rather than calling them malformed. */
const KNOWN_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'I32',
  'U32',
  'I64',
  'U64',
  'F16',
  'BF16',
  'F32',
  'F64',
];

/** Largest header accepted (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** A tensor: F32 as Float32Array, F64 as Float64Array, F16 and BF16 as their raw 16-bit words. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Float64Array | Uint16Array;
}

export interface SafetensorsFile {
  /** In file order (data offset). */
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

const elementCount = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function checkTensor(name: string, t: SafeTensor): void {
  if (!(t.dtype in DTYPE_BYTES)) throw new SafetensorsDtypeError(name, t.dtype);
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new RangeError(`Tensor "${name}": shape [${t.shape}] must hold non-negative integers.`);
  const want = t.dtype === 'F64' ? Float64Array : t.dtype === 'F32' ? Float32Array : Uint16Array;
  if (!(t.data instanceof want))
    throw new TypeError(`Tensor "${name}": dtype ${t.dtype} needs a ${want.name}.`);
  if (t.data.length !== elementCount(t.shape))
    throw new RangeError(`Tensor "${name}": ${t.data.length} values for shape [${t.shape}].`);
}

/** Serialises tensors and string metadata to the bytes of a .safetensors file. */
export function encodeSafetensors(
  tensors: Record<string, SafeTensor> | Map<string, SafeTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors))];
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new RangeError('"__metadata__" is reserved and cannot name a tensor.');
    checkTensor(name, t);
  }
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== 'string') throw new TypeError(`Metadata "${k}" must be a string.`);
  entries.sort(
    ([na, a], [nb, b]) => DTYPE_BYTES[b.dtype] - DTYPE_BYTES[a.dtype] || (na < nb ? -1 : na > nb ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = t.data.length * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const [, t] of entries) {
    for (let i = 0; i < t.data.length; i++, at += DTYPE_BYTES[t.dtype]) {
      if (t.dtype === 'F64') view.setFloat64(at, t.data[i], true);
      else if (t.dtype === 'F32') view.setFloat32(at, t.data[i], true);
      else view.setUint16(at, t.data[i], true);
    }
  }
  return out;
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8)
    throw new SafetensorsFormatError(
      `the file has ${bytes.length} bytes, fewer than the 8-byte header length`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    throw new SafetensorsFormatError(`the header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (n > BigInt(bytes.length - 8))
    throw new SafetensorsFormatError(
      `the header length ${n} runs past the end of the ${bytes.length}-byte file`,
    );
  const len = Number(n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + len));
  } catch {
    throw new SafetensorsFormatError('the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new SafetensorsFormatError('the header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsFormatError(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new SafetensorsFormatError('the header is not a JSON object');
  return { header: header as Record<string, unknown>, dataStart: 8 + len };
}

const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new SafetensorsFormatError('"__metadata__" is not an object');
  for (const [k, v] of Object.entries(raw))
    if (typeof v !== 'string') throw new SafetensorsFormatError(`metadata "${k}" is not a string`);
  return { ...(raw as Record<string, string>) };
}

/** Parses and validates a .safetensors file; tensors are copied out (the input may be unaligned). */
export function decodeSafetensors(input: Uint8Array | ArrayBuffer): SafetensorsFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { header, dataStart } = parseHeader(bytes);
  const dataLength = bytes.length - dataStart;
  const metadata = readMetadata(header.__metadata__);
  const spans: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info === null || typeof info !== 'object' || Array.isArray(info))
      throw new SafetensorsFormatError(`tensor "${name}" is not an object`);
    const { dtype, shape, data_offsets: off } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !KNOWN_DTYPES.includes(dtype))
      throw new SafetensorsFormatError(`tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`);
    if (!(dtype in DTYPE_BYTES)) throw new SafetensorsDtypeError(name, dtype);
    if (!Array.isArray(shape) || !shape.every(isUint))
      throw new SafetensorsFormatError(
        `tensor "${name}" has shape ${JSON.stringify(shape)}, not a list of non-negative integers`,
      );
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isUint) || off[0] > off[1]) {
      throw new SafetensorsFormatError(
        `tensor "${name}" has data_offsets ${JSON.stringify(off)}, not [begin, end] with begin <= end`,
      );
    }
    const d = dtype as SafetensorsDtype;
    const [begin, end] = off as number[];
    if (end > dataLength)
      throw new SafetensorsFormatError(
        `tensor "${name}" ends at byte ${end} of a ${dataLength}-byte data section`,
      );
    const want = elementCount(shape as number[]) * DTYPE_BYTES[d];
    if (end - begin !== want)
      throw new SafetensorsFormatError(
        `tensor "${name}" spans ${end - begin} bytes, but ${d} [${shape}] needs ${want}`,
      );
    spans.push({ name, dtype: d, shape: shape as number[], begin, end });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const s of spans) {
    if (s.begin !== expected) {
      throw new SafetensorsFormatError(
        s.begin < expected
          ? `tensor "${s.name}" overlaps the tensor before it`
          : `a hole of ${s.begin - expected} bytes precedes tensor "${s.name}"`,
      );
    }
    expected = s.end;
  }
  if (expected !== dataLength)
    throw new SafetensorsFormatError(
      `the data section has ${dataLength - expected} bytes that no tensor covers`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, dataLength);
  const tensors = new Map<string, SafeTensor>();
  for (const s of spans) {
    const n = elementCount(s.shape);
    const size = DTYPE_BYTES[s.dtype];
    const data =
      s.dtype === 'F64' ? new Float64Array(n) : s.dtype === 'F32' ? new Float32Array(n) : new Uint16Array(n);
    for (let i = 0, at = s.begin; i < n; i++, at += size) {
      data[i] =
        s.dtype === 'F64'
          ? view.getFloat64(at, true)
          : s.dtype === 'F32'
            ? view.getFloat32(at, true)
            : view.getUint16(at, true);
    }
    tensors.set(s.name, { dtype: s.dtype, shape: s.shape, data });
  }
  return { tensors, metadata };
}

/** A tensor's values as float32 (F64 rounds, F16 and BF16 widen exactly). */
export function toFloat32(t: SafeTensor): Float32Array {
  if (t.dtype === 'F32') return t.data as Float32Array;
  if (t.dtype === 'F64') return Float32Array.from(t.data);
  const widen = t.dtype === 'F16' ? halfToFloat : bf16ToFloat;
  return Float32Array.from(t.data as Uint16Array, widen);
}
