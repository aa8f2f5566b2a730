// Fused forward-mode dense layer for CPU drivers (the contract of shaders/denseJvpContract.wgsl).
// The loading strategy of matmulRows.wgsl: a workgroup owns ROWS rows of x and of xDot, whose values
// are broadcast to the SIMD lanes; invocations run along out, 4 GROUPS columns each, and each gathered
// W value feeds both the primal and the tangent.
//! include denseJvpContract

override WG: u32 = 64u;
const ROWS: u32 = 8u;
const GROUPS: u32 = 1u; // vec4 column groups per invocation

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let m0 = wid.y * ROWS;
  let n0 = wid.x * WG * 4u * GROUPS + 4u * lid.x; // group g starts at n0 + 4 WG g
  // rows and columns past the edge are clamped (their results are never stored)
  var c: array<vec4u, GROUPS>;
  for (var g = 0u; g < GROUPS; g++) {
    let n = n0 + 4u * WG * g;
    c[g] = min(vec4u(n, n + 1u, n + 2u, n + 3u), vec4u(dims.N - 1u)) * dims.K;
  }
  let last = dims.M - 1u;
  var acc: array<array<vec4f, GROUPS>, ROWS>;
  var tan: array<array<vec4f, GROUPS>, ROWS>;
  for (var k = 0u; k < dims.K; k++) {
    var w: array<vec4f, GROUPS>;
    for (var g = 0u; g < GROUPS; g++) {
      w[g] = vec4f(W[c[g].x + k], W[c[g].y + k], W[c[g].z + k], W[c[g].w + k]);
    }
    for (var i = 0u; i < ROWS; i++) {
      let r = min(m0 + i, last) * dims.K + k;
      let a = x[r];
      let t = xDot[r];
      for (var g = 0u; g < GROUPS; g++) {
        acc[i][g] += a * w[g];
        tan[i][g] += t * w[g];
      }
    }
  }
  for (var i = 0u; i < ROWS; i++) {
    let m = m0 + i;
    if (m >= dims.M) { break; }
    for (var j = 0u; j < 4u * GROUPS; j++) {
      let g = j / 4u;
      let n = n0 + 4u * WG * g + j % 4u;
      if (n >= dims.N) { continue; }
      storeOutput(m, n, acc[i][g][j % 4u], tan[i][g][j % 4u]);
    }
  }
}
