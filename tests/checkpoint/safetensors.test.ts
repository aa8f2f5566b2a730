import { describe, expect, it } from 'vitest';
import {
  SafetensorsDtypeError,
  SafetensorsFormatError,
  bf16ToFloat,
  decodeSafetensors,
  encodeSafetensors,
  floatToBf16,
  floatToHalf,
  halfToFloat,
  toFloat32,
} from '../../src/train/checkpoint/index.ts';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

/** A file from its parts: header length (u64 LE), header text, data bytes. */
function file(header: string, data: Uint8Array, declaredLength?: number): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors writer', () => {
  it('writes the byte-exact file of the specification (golden, built by hand)', () => {
    // Tensors ordered by dtype size then name: c (F64) first, then a and b (F32); header padded to 200 bytes.
    const header =
      '{"__metadata__":{"note":"hi"},' +
      '"c":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
      '"a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]},' +
      '"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}';
    expect(header.length).toBe(194);
    const golden = new Uint8Array([
      ...hex('c800000000000000'), // 200, little-endian u64
      ...new TextEncoder().encode(header),
      ...new Array(6).fill(0x20),
      ...hex('000000000000d03f'), // 0.25 as f64 LE
      ...hex('0000003f'), // 0.5
      ...hex('0000803f'), // 1
      ...hex('000000c0'), // -2
    ]);
    const bytes = encodeSafetensors(
      {
        b: { dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) },
        a: { dtype: 'F32', shape: [1, 1], data: Float32Array.of(0.5) },
        c: { dtype: 'F64', shape: [1], data: Float64Array.of(0.25) },
      },
      { note: 'hi' },
    );
    expect(Array.from(bytes)).toEqual(Array.from(golden));
    const back = decodeSafetensors(golden);
    expect([...back.tensors.keys()]).toEqual(['c', 'a', 'b']);
    expect(back.metadata).toEqual({ note: 'hi' });
  });

  it('round-trips F32, F64, F16 and BF16 tensors, scalars and empty tensors', () => {
    const tensors = {
      'layers.0.weight': {
        dtype: 'F32' as const,
        shape: [3, 2],
        data: Float32Array.of(1.5, -2, 3e-8, 1e30, 0, -0),
      },
      'layers.0.bias': { dtype: 'F64' as const, shape: [3], data: Float64Array.of(Math.PI, -1e-300, 7) },
      half: { dtype: 'F16' as const, shape: [2], data: Uint16Array.of(0x3c00, 0xc000) },
      brain: { dtype: 'BF16' as const, shape: [1, 1], data: Uint16Array.of(0x3f80) },
      scalar: { dtype: 'F32' as const, shape: [], data: Float32Array.of(42) },
      empty: { dtype: 'F32' as const, shape: [0, 4], data: new Float32Array(0) },
    };
    const bytes = encodeSafetensors(tensors, { config: '{"a":1}' });
    // Data offsets are aligned: the header is padded to a multiple of 8.
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = decodeSafetensors(bytes.slice().buffer); // an ArrayBuffer works too
    for (const [name, t] of Object.entries(tensors)) {
      const r = back.tensors.get(name)!;
      expect(r.dtype).toBe(t.dtype);
      expect(r.shape).toEqual(t.shape);
      expect(Array.from(r.data)).toEqual(Array.from(t.data));
    }
    expect(Array.from(toFloat32(back.tensors.get('half')!))).toEqual([1, -2]);
    expect(Array.from(toFloat32(back.tensors.get('brain')!))).toEqual([1]);
    expect(back.metadata.config).toBe('{"a":1}');
  });

  it('reads a tensor at an unaligned position of a larger buffer', () => {
    const bytes = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) } });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(Array.from(decodeSafetensors(big.subarray(3)).tensors.get('w')!.data)).toEqual([1, 2]);
  });

  it('rejects what it cannot write', () => {
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: Float32Array.of(1, 2) } })).toThrow(
      /2 values for shape \[3\]/,
    );
    expect(() => encodeSafetensors({ w: { dtype: 'F16', shape: [1], data: Float32Array.of(1) } })).toThrow(
      /Uint16Array/,
    );
    expect(() =>
      encodeSafetensors({ __metadata__: { dtype: 'F32', shape: [0], data: new Float32Array(0) } }),
    ).toThrow(/reserved/);
  });
});

describe('safetensors reader: malformed files give named errors that say what is wrong', () => {
  const ok = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const data8 = new Uint8Array(8);
  const cases: [string, Uint8Array, RegExp, typeof SafetensorsFormatError | typeof SafetensorsDtypeError][] =
    [
      ['too short', new Uint8Array(5), /fewer than the 8-byte/, SafetensorsFormatError],
      ['header past the end', file(ok, data8, 10_000), /runs past the end/, SafetensorsFormatError],
      ['huge header length', file(ok, data8, 2 ** 40), /exceeds/, SafetensorsFormatError],
      ['not JSON', file('{"w":', data8), /not valid JSON/, SafetensorsFormatError],
      ['not an object', file('[1, 2]', data8), /start with "\{"/, SafetensorsFormatError],
      ['bad UTF-8', Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff), /UTF-8/, SafetensorsFormatError],
      ['unknown dtype', file(ok.replace('F32', 'X9'), data8), /unknown dtype "X9"/, SafetensorsFormatError],
      ['unsupported dtype', file(ok.replace('F32', 'I32'), data8), /dtype I32/, SafetensorsDtypeError],
      ['bad shape', file(ok.replace('[2]', '[-2]'), data8), /shape/, SafetensorsFormatError],
      ['size mismatch', file(ok.replace('[2]', '[3]'), data8), /needs 12/, SafetensorsFormatError],
      ['offsets reversed', file(ok.replace('[0,8]', '[8,0]'), data8), /begin <= end/, SafetensorsFormatError],
      [
        'past the data',
        file(ok.replace('[0,8]', '[8,16]'), data8),
        /ends at byte 16/,
        SafetensorsFormatError,
      ],
      [
        'trailing bytes',
        file(ok, new Uint8Array(12)),
        /4 bytes that no tensor covers/,
        SafetensorsFormatError,
      ],
      [
        'hole',
        file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', data8),
        /hole of 4 bytes/,
        SafetensorsFormatError,
      ],
      [
        'overlap',
        file(
          '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
          data8,
        ),
        /overlaps/,
        SafetensorsFormatError,
      ],
      [
        'metadata not strings',
        file('{"__metadata__":{"n":1}}', new Uint8Array(0)),
        /metadata "n"/,
        SafetensorsFormatError,
      ],
      ['tensor not an object', file('{"w":3}', new Uint8Array(0)), /not an object/, SafetensorsFormatError],
    ];
  for (const [what, bytes, message, kind] of cases) {
    it(what, () => {
      expect(() => decodeSafetensors(bytes)).toThrow(kind);
      expect(() => decodeSafetensors(bytes)).toThrow(message);
    });
  }

  it('accepts a header padded with spaces and an empty file of tensors', () => {
    expect(decodeSafetensors(file(ok + '      ', data8)).tensors.get('w')!.shape).toEqual([2]);
    expect(decodeSafetensors(file('{}', new Uint8Array(0))).tensors.size).toBe(0);
  });
});

describe('16-bit floats', () => {
  it('converts binary16 both ways with round-to-nearest-even (values from numpy.float16)', () => {
    expect(floatToHalf(0.1)).toBe(0x2e66);
    expect(floatToHalf(-65504)).toBe(0xfbff);
    expect(floatToHalf(1e-7)).toBe(0x0002);
    expect(floatToHalf(0.333)).toBe(0x3554);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie, to even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, to even (up)
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0xfbff)).toBe(-65504);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    for (let h = 0; h < 0x7c00; h += 37) expect(floatToHalf(halfToFloat(h))).toBe(h);
  });

  it('converts bfloat16 both ways', () => {
    expect(floatToBf16(1)).toBe(0x3f80);
    expect(bf16ToFloat(0xc040)).toBe(-3);
    expect(floatToBf16(1 + 2 ** -8)).toBe(0x3f80); // tie, to even
    expect(floatToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bf16ToFloat(floatToBf16(NaN))).toBeNaN();
  });
});
