// Weighted mean in one workgroup:  x:[n], w:[n] -> out:[1] = sum_i w_i x_i / sum_i w_i

override WG: u32 = 256u;

struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

var<workgroup> sums: array<vec2f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var acc = vec2f(0.0);
  for (var i = lid.x; i < params.n; i += WG) { acc += vec2f(w[i] * x[i], w[i]); }
  sums[lid.x] = acc;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid.x < half) { sums[lid.x] += sums[lid.x + half]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[0] = sums[0].x / sums[0].y; }
}
