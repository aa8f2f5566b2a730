/**
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
 * the counter-based generator behind every random number in FlowMap Lab. The WGSL twin is
 * shaders/philox.wgsl; both must give the same bits.
 *
 * Convention: for element `i` of stream `stream` at step `step` with seed `seed`,
 *   bits = philox4x32_10(counter = (i, step, stream, 0), key = (seed, 0))
 *   uniform = (bits[0] >>> 9) * 2^-23 + 2^-24           strictly in (0, 1), exact in f32 (odd multiples
 *                                                        of 2^-24 need 24 significant bits at most)
 *   normal  = sqrt(-2 ln u0) * cos(2 pi u1)             u0, u1 from bits[0], bits[1] (Box-Muller)
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** 32 x 32 -> (hi, lo) unsigned multiply. */
function mulhilo(a: number, b: number): [number, number] {
  const lo = Math.imul(a, b) >>> 0;
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const loLo = aLo * bLo;
  const carry = ((loLo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  const hi = (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
  return [hi, lo];
}

export function philox4x32_10(
  counter: readonly number[],
  key: readonly number[],
): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter.map((x) => x >>> 0);
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulhilo(M0, c0);
    const [hi1, lo1] = mulhilo(M1, c2);
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

export const bitsToUniform = (bits: number): number => (bits >>> 9) * 2 ** -23 + 2 ** -24;

export function randomBits(seed: number, stream: number, step: number, index: number) {
  return philox4x32_10([index, step, stream, 0], [seed, 0]);
}

export function uniformAt(seed: number, stream: number, step: number, index: number): number {
  return bitsToUniform(randomBits(seed, stream, step, index)[0]);
}

export function normalAt(seed: number, stream: number, step: number, index: number): number {
  const b = randomBits(seed, stream, step, index);
  const u0 = bitsToUniform(b[0]);
  const u1 = bitsToUniform(b[1]);
  return Math.sqrt(-2 * Math.log(u0)) * Math.cos(2 * Math.PI * u1);
}
