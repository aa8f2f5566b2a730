// Counter-based random fill: out[i] for i < n, element i of stream `stream` at the step stored in step[0].
//   step:[1] (f32, the 1-based training step) -> out:[n]
// DIST: 0 uniform in (0, 1), 1 standard normal, 2 raw Philox words (out[4j + w] = bits(j)[w], as u32).
//! include philox

override DIST: u32 = 0u;
override WG: u32 = 256u;

struct Params { n: u32, seed: u32, stream: u32, pad: u32 }

@group(0) @binding(0) var<storage, read_write> step: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = g.x + g.y * nw.x * WG;
  if (i >= params.n) { return; }
  let s = u32(step[0]);
  let key = vec2u(params.seed, 0u);
  if (DIST == 2u) {
    let bits = philox4x32_10(vec4u(i / 4u, s, params.stream, 0u), key);
    out[i] = bitcast<f32>(bits[i % 4u]);
    return;
  }
  let bits = philox4x32_10(vec4u(i, s, params.stream, 0u), key);
  if (DIST == 1u) {
    out[i] = philox_normal(bits);
  } else {
    out[i] = philox_uniform(bits.x);
  }
}
