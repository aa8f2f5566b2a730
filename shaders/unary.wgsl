// Elementwise function of one argument:  x:[n] -> y:[n]
// OP: neg=0 exp=1 log=2 sqrt=3 square=4 recip=5 sin=6 cos=7 abs=8, activation=9 (ACT^(ORDER)).
//! include activations

override OP: u32 = 0u;
override ACT: u32 = 0u;
override ORDER: u32 = 0u;
override WG: u32 = 256u;

struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn unary(v: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return v * v; }
    case 5u: { return 1.0 / v; }
    case 6u: { return sin(v); }
    case 7u: { return cos(v); }
    case 8u: { return abs(v); }
    default: { return activation(v, ACT, ORDER); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = g.x + g.y * nw.x * WG;
  if (i >= params.n) { return; }
  y[i] = unary(x[i]);
}
