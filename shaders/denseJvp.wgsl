// Fused forward-mode dense layer (the contract of shaders/denseJvpContract.wgsl); the tangent is a
// second left-hand side of the same tiled matmul, so W is read once for both.
//! include denseJvpContract

override STAGE: bool = true; // workgroup-memory tiles (GPUs) or direct loads (CPU drivers), as in matmul
override INTERLEAVE: bool = false; // direct loads: a thread's 4 columns lie WG_N apart, as in matmul
override WG_M: u32 = 16u;
override WG_N: u32 = 16u;
override BK: u32 = 16u;
override A_TILE: u32 = BK * WG_M;
override B_TILE: u32 = BK * WG_N;

var<workgroup> Xs: array<vec4f, A_TILE>;
var<workgroup> Ts: array<vec4f, A_TILE>;
var<workgroup> Ws: array<vec4f, B_TILE>;

fn accumulateStaged(lid: vec3u, m0: u32, n0: u32, acc: ptr<function, array<vec4f, 4>>, tan: ptr<function, array<vec4f, 4>>) {
  let BM = 4u * WG_M;
  let BN = 4u * WG_N;
  let threads = WG_M * WG_N;
  let tid = lid.y * WG_N + lid.x;
  for (var k0 = 0u; k0 < dims.K; k0 += BK) {
    for (var i = tid; i < BK * BM; i += threads) {
      let k = i % BK;
      let m = i / BK;
      let gm = m0 + m;
      let gk = k0 + k;
      let ok = gm < dims.M && gk < dims.K;
      let src = select(0u, gm * dims.K + gk, ok);
      Xs[k * WG_M + m / 4u][m % 4u] = select(0.0, x[src], ok);
      Ts[k * WG_M + m / 4u][m % 4u] = select(0.0, xDot[src], ok);
    }
    for (var i = tid; i < BK * BN; i += threads) {
      let k = i % BK;
      let n = i / BK;
      let gn = n0 + n;
      let gk = k0 + k;
      let ok = gn < dims.N && gk < dims.K;
      Ws[k * WG_N + n / 4u][n % 4u] = select(0.0, W[select(0u, gn * dims.K + gk, ok)], ok);
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let a = Xs[k * WG_M + lid.y];
      let t = Ts[k * WG_M + lid.y];
      let w = Ws[k * WG_N + lid.x];
      (*acc)[0] += a.x * w;
      (*acc)[1] += a.y * w;
      (*acc)[2] += a.z * w;
      (*acc)[3] += a.w * w;
      (*tan)[0] += t.x * w;
      (*tan)[1] += t.y * w;
      (*tan)[2] += t.z * w;
      (*tan)[3] += t.w * w;
    }
    workgroupBarrier();
  }
}

// Direct loads; rows and columns past the edge are clamped (their results are never stored).
fn accumulateDirect(m: u32, n: u32, acc: ptr<function, array<vec4f, 4>>, tan: ptr<function, array<vec4f, 4>>) {
  let r = min(vec4u(m, m + 1u, m + 2u, m + 3u), vec4u(dims.M - 1u)) * dims.K;
  let step = select(1u, WG_N, INTERLEAVE);
  let c = min(vec4u(n, n + step, n + 2u * step, n + 3u * step), vec4u(dims.N - 1u)) * dims.K;
  for (var k = 0u; k < dims.K; k++) {
    let a = vec4f(x[r.x + k], x[r.y + k], x[r.z + k], x[r.w + k]);
    let t = vec4f(xDot[r.x + k], xDot[r.y + k], xDot[r.z + k], xDot[r.w + k]);
    let w = vec4f(W[c.x + k], W[c.y + k], W[c.z + k], W[c.w + k]);
    (*acc)[0] += a.x * w;
    (*acc)[1] += a.y * w;
    (*acc)[2] += a.z * w;
    (*acc)[3] += a.w * w;
    (*tan)[0] += t.x * w;
    (*tan)[1] += t.y * w;
    (*tan)[2] += t.z * w;
    (*tan)[3] += t.w * w;
  }
}

@compute @workgroup_size(WG_N, WG_M)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let m0 = wid.y * 4u * WG_M;
  let n0 = wid.x * 4u * WG_N;
  var acc: array<vec4f, 4>;
  var tan: array<vec4f, 4>;
  if (STAGE) {
    accumulateStaged(lid, m0, n0, &acc, &tan);
  } else {
    accumulateDirect(m0 + 4u * lid.y, select(n0 + 4u * lid.x, n0 + lid.x, INTERLEAVE), &acc, &tan);
  }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + 4u * lid.y + i;
    if (m >= dims.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = select(n0 + 4u * lid.x + j, n0 + lid.x + WG_N * j, INTERLEAVE && !STAGE);
      if (n >= dims.N) { break; }
      storeOutput(m, n, acc[i][j], tan[i][j]);
    }
  }
}
