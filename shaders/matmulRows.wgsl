// Matmul for CPU drivers (lavapipe, SwiftShader); the contract of shaders/matmulContract.wgsl.
// A workgroup owns ROWS rows of C; its WG invocations run along N, 4 GROUPS columns each (group g at
// 4 WG g). The rows' addresses depend only on the workgroup, so lavapipe loads each opA(A) value once
// per SIMD batch of invocations and broadcasts it; only opB(B) is gathered across lanes. Per k: ROWS
// broadcasts and 4 GROUPS gathers feed 4 ROWS GROUPS multiply-adds, with no workgroup memory and no
// barrier. ROWS and GROUPS size function arrays, so they are constants: the host rewrites them
// (rowsKernel in src/engine/kernels/matmul.ts).
//! include matmulContract

override WG: u32 = 64u;
const ROWS: u32 = 8u;
const GROUPS: u32 = 1u; // vec4 column groups per invocation

fn loadA(i: u32) -> f32 {
  if (GATE_A) { return A[i] * activation(P[i], GATE_ACT, 1u); }
  return A[i];
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let m0 = wid.y * ROWS;
  let n0 = wid.x * WG * 4u * GROUPS + 4u * lid.x; // group g starts at n0 + 4 WG g
  let sAm = select(dims.K, 1u, TRANS_A);
  let sAk = select(1u, dims.M, TRANS_A);
  let sBk = select(dims.N, 1u, TRANS_B);
  let sBn = select(1u, dims.K, TRANS_B);
  // rows and columns past the edge are clamped (their results are never stored)
  var c: array<vec4u, GROUPS>;
  for (var g = 0u; g < GROUPS; g++) {
    let n = n0 + 4u * WG * g;
    c[g] = min(vec4u(n, n + 1u, n + 2u, n + 3u), vec4u(dims.N - 1u)) * sBn;
  }
  let last = dims.M - 1u;
  var acc: array<array<vec4f, GROUPS>, ROWS>;
  var rs: array<f32, ROWS>;
  for (var k = 0u; k < dims.K; k++) {
    let kb = k * sBk;
    var b: array<vec4f, GROUPS>;
    for (var g = 0u; g < GROUPS; g++) {
      b[g] = vec4f(B[c[g].x + kb], B[c[g].y + kb], B[c[g].z + kb], B[c[g].w + kb]);
    }
    let ka = k * sAk;
    for (var i = 0u; i < ROWS; i++) {
      let a = loadA(min(m0 + i, last) * sAm + ka);
      for (var g = 0u; g < GROUPS; g++) { acc[i][g] += a * b[g]; }
      if (ROWSUM) { rs[i] += a; }
    }
  }
  for (var i = 0u; i < ROWS; i++) {
    let m = m0 + i;
    if (m >= dims.M) { break; }
    if (ROWSUM && wid.x == 0u && lid.x == 0u) {
      storeRowsum(m, rs[i]);
    }
    for (var j = 0u; j < 4u * GROUPS; j++) {
      let g = j / 4u;
      let n = n0 + 4u * WG * g + j % 4u;
      if (n >= dims.N) { continue; }
      storeOutput(m, n, acc[i][g][j % 4u]);
    }
  }
}
