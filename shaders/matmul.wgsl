// Tiled matmul with a fused epilogue; the contract (C = act(opA(A) . opB(B) + bias) and its options)
// is in shaders/matmulContract.wgsl.
// Each thread computes a 4x4 register block; a workgroup computes a (4 WG_M) x (4 WG_N) tile of C.
// STAGE: stage BK-deep slices of opA(A) and opB(B) in workgroup memory (GPUs); otherwise each thread
// reads its rows and columns straight from memory with no barrier (CPU drivers such as lavapipe,
// where barriers are costly and caches already play the role of workgroup memory). INTERLEAVE (direct
// loads only): a thread's 4 columns lie WG_N apart, so neighbouring threads read neighbouring columns
// of B (SwiftShader turns such loads into one vector load).
//! include matmulContract

override STAGE: bool = true;
override INTERLEAVE: bool = false;
override WG_M: u32 = 16u;
override WG_N: u32 = 16u;
override BK: u32 = 16u;
override A_TILE: u32 = BK * WG_M; // vec4s: BK rows of 4 WG_M values
override B_TILE: u32 = BK * WG_N;

var<workgroup> As: array<vec4f, A_TILE>;
var<workgroup> Bs: array<vec4f, B_TILE>;

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) { return 0.0; }
  let i = select(m * dims.K + k, k * dims.M + m, TRANS_A);
  if (GATE_A) { return A[i] * activation(P[i], GATE_ACT, 1u); }
  return A[i];
}

fn loadB(k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) { return 0.0; }
  return B[select(k * dims.N + n, n * dims.K + k, TRANS_B)];
}

// Workgroup-memory tiles: the whole workgroup stages opA/opB slices, then each thread multiplies.
fn accumulateStaged(lid: vec3u, m0: u32, n0: u32, acc: ptr<function, array<vec4f, 4>>, rs: ptr<function, vec4f>) {
  let BM = 4u * WG_M;
  let BN = 4u * WG_N;
  let threads = WG_M * WG_N;
  let tid = lid.y * WG_N + lid.x;
  for (var k0 = 0u; k0 < dims.K; k0 += BK) {
    // Stage opA(A)[m0.., k0..] as As[k][m] and opB(B)[k0.., n0..] as Bs[k][n], walking memory in order.
    for (var i = tid; i < BK * BM; i += threads) {
      let k = select(i % BK, i / BM, TRANS_A);
      let m = select(i / BK, i % BM, TRANS_A);
      As[k * WG_M + m / 4u][m % 4u] = loadA(m0 + m, k0 + k);
    }
    for (var i = tid; i < BK * BN; i += threads) {
      let k = select(i / BN, i % BK, TRANS_B);
      let n = select(i % BN, i / BK, TRANS_B);
      Bs[k * WG_N + n / 4u][n % 4u] = loadB(k0 + k, n0 + n);
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let a = As[k * WG_M + lid.y];
      let b = Bs[k * WG_N + lid.x];
      (*acc)[0] += a.x * b;
      (*acc)[1] += a.y * b;
      (*acc)[2] += a.z * b;
      (*acc)[3] += a.w * b;
      if (ROWSUM) { *rs += a; }
    }
    workgroupBarrier();
  }
}

// Direct loads: rows and columns past the edge are clamped (their results are never stored).
fn accumulateDirect(m: u32, n: u32, acc: ptr<function, array<vec4f, 4>>, rs: ptr<function, vec4f>) {
  let sAm = select(dims.K, 1u, TRANS_A);
  let sAk = select(1u, dims.M, TRANS_A);
  let sBk = select(dims.N, 1u, TRANS_B);
  let sBn = select(1u, dims.K, TRANS_B);
  let r = min(vec4u(m, m + 1u, m + 2u, m + 3u), vec4u(dims.M - 1u)) * sAm;
  let step = select(1u, WG_N, INTERLEAVE);
  let c = min(vec4u(n, n + step, n + 2u * step, n + 3u * step), vec4u(dims.N - 1u)) * sBn;
  for (var k = 0u; k < dims.K; k++) {
    let ka = k * sAk;
    let kb = k * sBk;
    var a = vec4f(A[r.x + ka], A[r.y + ka], A[r.z + ka], A[r.w + ka]);
    if (GATE_A) {
      a *= vec4f(activation(P[r.x + ka], GATE_ACT, 1u), activation(P[r.y + ka], GATE_ACT, 1u),
                 activation(P[r.z + ka], GATE_ACT, 1u), activation(P[r.w + ka], GATE_ACT, 1u));
    }
    let b = vec4f(B[c.x + kb], B[c.y + kb], B[c.z + kb], B[c.w + kb]);
    (*acc)[0] += a.x * b;
    (*acc)[1] += a.y * b;
    (*acc)[2] += a.z * b;
    (*acc)[3] += a.w * b;
    if (ROWSUM) { *rs += a; }
  }
}

@compute @workgroup_size(WG_N, WG_M)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let m0 = wid.y * 4u * WG_M;
  let n0 = wid.x * 4u * WG_N;
  var acc: array<vec4f, 4>;
  var rs = vec4f(0.0);
  if (STAGE) {
    accumulateStaged(lid, m0, n0, &acc, &rs);
  } else {
    accumulateDirect(m0 + 4u * lid.y, select(n0 + 4u * lid.x, n0 + lid.x, INTERLEAVE), &acc, &rs);
  }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + 4u * lid.y + i;
    if (m >= dims.M) { break; }
    if (ROWSUM && wid.x == 0u && lid.x == 0u) {
      storeRowsum(m, rs[i]);
    }
    for (var j = 0u; j < 4u; j++) {
      let n = select(n0 + 4u * lid.x + j, n0 + lid.x + WG_N * j, INTERLEAVE && !STAGE);
      if (n >= dims.N) { break; }
      storeOutput(m, n, acc[i][j]);
    }
  }
}
