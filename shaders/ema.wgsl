// Exponential moving average of parameters:  p:[n] -> pEma:[n],  pEma = decay pEma + (1 - decay) p

override WG: u32 = 256u;

struct Params { n: u32, decay: f32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<storage, read_write> p: array<f32>;
@group(0) @binding(1) var<storage, read_write> pEma: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = gid.x + gid.y * nw.x * WG;
  if (i >= params.n) { return; }
  pEma[i] = params.decay * pEma[i] + (1.0 - params.decay) * p[i];
}
