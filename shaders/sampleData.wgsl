// Toy dataset samples, the WGSL twin of src/engine/cpu/sampleData.ts (read its header for each dataset).
//   step:[1] (f32, the step counter) -> out:[n, 2]
// Sample i uses bits = philox4x32_10(vec4u(i, step, stream, 0), vec2u(seed, 0)) and u_j = uniform(bits[j]).
// Discrete choices use the 23-bit integer bits >> 9 (as the CPU does from u), so both pick the same.
// LABELS > 0 writes the class labels of the same samples instead, one-hot out:[n, CLASSES] (ids: LABELLINGS).

//! include philox

override DATASET: u32 = 0u;
override WG: u32 = 64u;
override LABELS: u32 = 0u;
override CLASSES: u32 = 1u;

struct Params { n: u32, seed: u32, stream: u32, pad: u32 }

@group(0) @binding(0) var<storage, read_write> step_counter: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const PI: f32 = 3.14159265358979;
const SQRT2: f32 = 1.41421356237310;

// floor(m K / 2^23) with m = bits >> 9, for K <= 512 (exact in u32).
fn choose(bits: u32, k: u32) -> u32 {
  return ((bits >> 9u) * k) >> 23u;
}

fn box_muller(ua: f32, ub: f32) -> vec2f {
  let r = sqrt(-2.0 * log(ua));
  let a = 2.0 * PI * ub;
  return vec2f(r * cos(a), r * sin(a));
}

fn sample(b: vec4u) -> vec2f {
  let u = vec4f(philox_uniform(b.x), philox_uniform(b.y), philox_uniform(b.z), philox_uniform(b.w));
  switch DATASET {
    case 0u: { // 8gaussians
      let a = 2.0 * PI * f32(choose(b.x, 8u)) / 8.0;
      return 2.0 * SQRT2 * vec2f(cos(a), sin(a)) + (0.5 / SQRT2) * box_muller(u.y, u.z);
    }
    case 1u: { // checkerboard
      let column = choose(b.x, 4u);
      let upper = f32(choose(b.z, 2u));
      let x1 = 4.0 * u.x - 2.0;
      let y1 = u.y - 2.0 * upper + f32(column % 2u);
      return 2.0 * vec2f(x1, y1);
    }
    case 2u: { // moons
      let lower = choose(b.x, 2u) == 1u;
      let a = PI * u.y;
      let n = box_muller(u.z, u.w);
      let p = select(vec2f(cos(a), sin(a)), vec2f(1.0 - cos(a), 0.5 - sin(a)), lower);
      return 2.0 * (p - vec2f(0.5, 0.25) + 0.1 * n);
    }
    case 3u: { // spirals
      let arm = choose(b.x, 2u);
      let w = 2.0 * u.x - f32(arm);
      let theta = 3.0 * PI * sqrt(w);
      let sign = select(1.0, -1.0, arm == 1u);
      return sign * vec2f(-theta * cos(theta), theta * sin(theta)) / 3.0 + 0.1 * box_muller(u.z, u.w);
    }
    case 4u: { // rings
      let r = 0.9 * f32(choose(b.x, 4u) + 1u);
      let a = 2.0 * PI * u.y;
      return r * vec2f(cos(a), sin(a)) + 0.08 * box_muller(u.z, u.w);
    }
    case 5u: { // swissroll
      let theta = 1.5 * PI * (1.0 + 2.0 * u.y);
      let mean = vec2f(0.5, 1.0 / (6.0 * PI));
      return theta * vec2f(cos(theta), sin(theta)) / 4.0 - mean + 0.1 * box_muller(u.z, u.w);
    }
    case 7u: { // gmm3
      let m = 3.0 * (f32(choose(b.x, 3u)) - 1.0);
      return vec2f(m, m) + sqrt(0.5) * box_muller(u.y, u.z);
    }
    default: { // pinwheel
      let n = box_muller(u.y, u.z);
      let f = vec2f(1.0 + 0.3 * n.x, 0.1 * n.y);
      let a = 2.0 * PI * f32(choose(b.x, 5u)) / 5.0 + 0.25 * exp(f.x);
      let c = cos(a);
      let s = sin(a);
      return 2.0 * vec2f(c * f.x - s * f.y, s * f.x + c * f.y);
    }
  }
}

// The class of a sample under labelling LABELS, from the same bits as its point.
fn label(b: vec4u) -> u32 {
  switch LABELS {
    case 1u: { return choose(b.x, 8u); }                             // 8gaussians modes
    case 2u: { return choose(b.x, 8u) % 2u; }                        // 8gaussians groups
    case 3u: { return 2u * choose(b.x, 4u) + choose(b.z, 2u); }      // checkerboard squares
    case 4u: { return choose(b.x, 4u) % 2u; }                        // checkerboard colours
    case 5u, 6u: { return choose(b.x, 2u); }                         // moons, spirals arms
    case 7u: { return choose(b.x, 4u); }                             // rings
    default: { return choose(b.x, 5u); }                             // pinwheel arms
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = g.y * nw.x * WG + g.x;
  if (i >= params.n) { return; }
  let step = u32(step_counter[0]);
  let bits = philox4x32_10(vec4u(i, step, params.stream, 0u), vec2u(params.seed, 0u));
  if (LABELS > 0u) {
    let k = label(bits);
    for (var j = 0u; j < CLASSES; j++) { out[CLASSES * i + j] = select(0.0, 1.0, j == k); }
    return;
  }
  let p = sample(bits);
  out[2u * i] = p.x;
  out[2u * i + 1u] = p.y;
}
