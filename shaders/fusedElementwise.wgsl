// Template of the compiler's generated elementwise kernels (src/autodiff/fuseElementwise.ts).
// Every tensor of a compiled step lives in ONE arena `data` at a constant element offset, so a fused
// group of any number of inputs and outputs needs a single binding:
//   data[in_k offsets] -> data[out_k offsets], thread i computes element i of each output of size > i.
// The generator splices the offsets, seed and step-counter slot into CONSTS and the expression into BODY.

//! include philox
//! include activations

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read_write> data: array<f32>;

//{{CONSTS}}

// Element i of random stream `stream` at the current step: the Philox counter (i, step, stream, 0).
fn rand_bits(stream: u32, i: u32) -> vec4u {
  return philox4x32_10(vec4u(i, u32(data[COUNTER]), stream, 0u), vec2u(SEED, 0u));
}

fn rand_uniform(stream: u32, i: u32) -> f32 {
  return philox_uniform(rand_bits(stream, i).x);
}

fn rand_normal(stream: u32, i: u32) -> f32 {
  return philox_normal(rand_bits(stream, i));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
//{{BODY}}
}
