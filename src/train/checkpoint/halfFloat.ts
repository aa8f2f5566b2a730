/** IEEE binary16 and bfloat16 <-> float32 conversions (bit-exact; float32 -> half rounds to nearest even). */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function floatToHalf(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const frac = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (frac ? 0x200 : 0);
  // Value as an integer count of the target's least unit, rounded to nearest even.
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: units of 2^-24.
    const v = Math.abs(Math.fround(x)) / 2 ** -24;
    return sign | roundEven(v);
  }
  const mant = frac / 2 ** 13; // 10-bit mantissa with 13 bits below
  const r = roundEven(mant);
  return r === 1024 ? sign | ((e + 1) << 10) : sign | (e << 10) | r;
}

function roundEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

export function bf16ToFloat(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

export function floatToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) & 0xffff) | 0x40; // NaN stays NaN
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}
