// AdamW over a flat parameter range in one dispatch (PyTorch's AdamW update, decoupled weight decay):
//   g:[n], step:[1] (f32, 1-based), gradNormSq:[1] (CLIP) -> p:[n], m:[n], v:[n] updated in place
//   g' = g * min(1, clipNorm / (sqrt(gradNormSq) + 1e-6))     (CLIP: global gradient-norm clipping)
//   p = p (1 - lr wd);  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2
//   p = p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)

override CLIP: bool = false;
override WG: u32 = 256u;

struct Params { n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, clipNorm: f32, pad: f32 }

@group(0) @binding(0) var<storage, read_write> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> step: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradNormSq: array<f32>;
@group(0) @binding(3) var<storage, read_write> p: array<f32>;
@group(0) @binding(4) var<storage, read_write> m: array<f32>;
@group(0) @binding(5) var<storage, read_write> v: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = gid.x + gid.y * nw.x * WG;
  if (i >= params.n) { return; }
  let t = step[0];
  var grad = g[i];
  if (CLIP) { grad *= min(1.0, params.clipNorm / (sqrt(gradNormSq[0]) + 1e-6)); }
  let mi = params.beta1 * m[i] + (1.0 - params.beta1) * grad;
  let vi = params.beta2 * v[i] + (1.0 - params.beta2) * grad * grad;
  m[i] = mi;
  v[i] = vi;
  let bc1 = 1.0 - pow(params.beta1, t);
  let bc2 = 1.0 - pow(params.beta2, t);
  let decayed = p[i] * (1.0 - params.lr * params.weightDecay);
  p[i] = decayed - (params.lr / bc1) * mi / (sqrt(vi) / sqrt(bc2) + params.eps);
}
