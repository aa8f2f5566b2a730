// Sum or max over a set of axes of a rank <= 4 tensor (keepdims is a matter of shape only):
//   x:[...] -> out:[kept dims]. The kept axes (outShape, their input strides outStrides) index the
//   outputs; the reduced axes (redShape, redStrides) are walked for each output. SQUARE sums x^2.
// WG_PER_OUTPUT: one workgroup per output, tree reduction in workgroup memory (long reductions);
// otherwise one thread per output (many short reductions).

override OP: u32 = 0u; // 0 sum, 1 max
override SQUARE: bool = false;
override WG_PER_OUTPUT: bool = false;
override WG: u32 = 256u;

struct Params { outShape: vec4u, outStrides: vec4u, redShape: vec4u, redStrides: vec4u, nOut: u32, nRed: u32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> partial: array<f32, WG>;

fn offsetOf(i: u32, shape: vec4u, strides: vec4u) -> u32 {
  let idx = vec4u(i / (shape.y * shape.z * shape.w), (i / (shape.z * shape.w)) % shape.y, (i / shape.w) % shape.z, i % shape.w);
  return dot(idx, strides);
}

fn identity() -> f32 {
  return select(0.0, -3.4028234663852886e38, OP == 1u);
}

fn combine(acc: f32, v: f32) -> f32 {
  if (OP == 1u) { return max(acc, v); }
  return acc + v;
}

fn term(base: u32, r: u32) -> f32 {
  let v = x[base + offsetOf(r, params.redShape, params.redStrides)];
  return select(v, v * v, SQUARE);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  if (WG_PER_OUTPUT) {
    let o = wid.x + wid.y * nw.x;
    if (o >= params.nOut) { return; } // uniform across the workgroup
    let base = offsetOf(o, params.outShape, params.outStrides);
    var acc = identity();
    for (var r = lid.x; r < params.nRed; r += WG) { acc = combine(acc, term(base, r)); }
    partial[lid.x] = acc;
    workgroupBarrier();
    for (var half = WG / 2u; half > 0u; half /= 2u) {
      if (lid.x < half) { partial[lid.x] = combine(partial[lid.x], partial[lid.x + half]); }
      workgroupBarrier();
    }
    if (lid.x == 0u) { out[o] = partial[0]; }
  } else {
    let o = g.x + g.y * nw.x * WG;
    if (o >= params.nOut) { return; }
    let base = offsetOf(o, params.outShape, params.outStrides);
    var acc = identity();
    for (var r = 0u; r < params.nRed; r++) { acc = combine(acc, term(base, r)); }
    out[o] = acc;
  }
}
