// Snippet: Philox4x32-10, the same bits as src/engine/cpu/philox.ts.
// Element i of stream `stream` at step `step`: philox4x32_10(vec4u(i, step, stream, 0), vec2u(seed, 0)).
// uniform = (bits >> 9) * 2^-23 + 2^-24 strictly in (0, 1), exact in f32; normal by Box-Muller from bits.x, bits.y.

// 32 x 32 -> 64-bit product as (hi, lo), from 16-bit halves (WGSL has no u64).
fn philox_mulhilo(a: u32, b: u32) -> vec2u {
  let lo = a * b;
  let a_hi = a >> 16u;
  let a_lo = a & 0xffffu;
  let b_hi = b >> 16u;
  let b_lo = b & 0xffffu;
  let mid1 = a_hi * b_lo;
  let mid2 = a_lo * b_hi;
  let lo_lo = a_lo * b_lo;
  let carry = ((lo_lo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  let hi = a_hi * b_hi + (mid1 >> 16u) + (mid2 >> 16u) + carry;
  return vec2u(hi, lo);
}

fn philox4x32_10(counter: vec4u, key: vec2u) -> vec4u {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let p0 = philox_mulhilo(0xd2511f53u, c.x);
    let p1 = philox_mulhilo(0xcd9e8d57u, c.z);
    c = vec4u(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k = k + vec2u(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

fn philox_uniform(bits: u32) -> f32 {
  return f32(bits >> 9u) * 1.1920928955078125e-7 + 5.9604644775390625e-8;
}

fn philox_normal(bits: vec4u) -> f32 {
  let u0 = philox_uniform(bits.x);
  let u1 = philox_uniform(bits.y);
  return sqrt(-2.0 * log(u0)) * cos(6.283185307179586 * u1);
}
