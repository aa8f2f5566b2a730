// Template of the compiler's generated reductions (src/autodiff/fuseReduce.ts), with the elementwise
// producer of the reduced tensor fused in as a prologue:
//   data[inputs] -> data[OUT + o], o < OUT_SIZE; one workgroup per output element o, its RED_WG threads
//   stride over the R reduced elements, then a tree reduction in workgroup memory.
// The generator splices offsets and sizes into CONSTS, the element expression (value `v` of element
// (o, r)) into BODY and the combining function into COMBINE/INIT.

//! include philox
//! include activations

const RED_WG: u32 = 64u;

@group(0) @binding(0) var<storage, read_write> data: array<f32>;

//{{CONSTS}}

fn rand_bits(stream: u32, i: u32) -> vec4u {
  return philox4x32_10(vec4u(i, u32(data[COUNTER]), stream, 0u), vec2u(SEED, 0u));
}

fn rand_uniform(stream: u32, i: u32) -> f32 {
  return philox_uniform(rand_bits(stream, i).x);
}

fn rand_normal(stream: u32, i: u32) -> f32 {
  return philox_normal(rand_bits(stream, i));
}

var<workgroup> partial: array<f32, RED_WG>;

@compute @workgroup_size(RED_WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let o = wid.x + wid.y * nwg.x;
  var acc: f32 = INIT;
  if (o < OUT_SIZE) {
    for (var r = lid; r < R; r += RED_WG) {
//{{BODY}}
      acc = combine(acc, v);
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = RED_WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      partial[lid] = combine(partial[lid], partial[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u && o < OUT_SIZE) {
    data[OUT + o] = partial[0];
  }
}
