// Elementwise function of two (select: three) arguments with numpy broadcasting, rank <= 4:
//   a, b, cond (strides of each into out's index space, 0 on broadcast axes) -> out:[d0, d1, d2, d3]
// OP: add=0 sub=1 mul=2 div=3 max=4 min=5 greater=6 (1 or 0), select=7 (cond > 0.5 ? a : b).

override OP: u32 = 0u;
override WG: u32 = 256u;

struct Params { shape: vec4u, sa: vec4u, sb: vec4u, sc: vec4u, n: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> cond: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = g.x + g.y * nw.x * WG;
  if (i >= params.n) { return; }
  let s = params.shape;
  let idx = vec4u(i / (s.y * s.z * s.w), (i / (s.z * s.w)) % s.y, (i / s.w) % s.z, i % s.w);
  let x = a[dot(idx, params.sa)];
  let y = b[dot(idx, params.sb)];
  var r: f32;
  switch OP {
    case 0u: { r = x + y; }
    case 1u: { r = x - y; }
    case 2u: { r = x * y; }
    case 3u: { r = x / y; }
    case 4u: { r = max(x, y); }
    case 5u: { r = min(x, y); }
    case 6u: { r = select(0.0, 1.0, x > y); }
    default: { r = select(y, x, cond[dot(idx, params.sc)] > 0.5); }
  }
  out[i] = r;
}
