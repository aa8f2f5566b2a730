// A user point set as a dataset, the WGSL twin of src/engine/cpu/pointsData.ts.
//   step:[1] (f32, the step counter), points:[N, 2] -> out:[n, 2]
// Sample i: bits = philox4x32_10((i, step, stream, 0), (seed, 0)); point k = floor(m N / 2^23) with
// m = bits.x >> 9, computed from two u32 products (m = mh 2^12 + ml, N < 2^17); plus jitter * Box-Muller.

//! include philox

override WG: u32 = 64u;

struct Params { n: u32, seed: u32, stream: u32, count: u32, jitter: f32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read_write> step_counter: array<f32>;
@group(0) @binding(1) var<storage, read_write> points: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const PI: f32 = 3.14159265358979;

// floor(m N / 2^23) = (mh N + (ml N >> 12)) >> 11, exact: both products and their sum fit in u32.
fn choose_point(bits: u32, count: u32) -> u32 {
  let m = bits >> 9u;
  let hi = (m >> 12u) * count;
  let lo = (m & 0xfffu) * count;
  return (hi + (lo >> 12u)) >> 11u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = g.y * nw.x * WG + g.x;
  if (i >= params.n) { return; }
  let step = u32(step_counter[0]);
  let b = philox4x32_10(vec4u(i, step, params.stream, 0u), vec2u(params.seed, 0u));
  let k = choose_point(b.x, params.count);
  let r = sqrt(-2.0 * log(philox_uniform(b.y)));
  let a = 2.0 * PI * philox_uniform(b.z);
  out[2u * i] = points[2u * k] + params.jitter * r * cos(a);
  out[2u * i + 1u] = points[2u * k + 1u] + params.jitter * r * sin(a);
}
