// Matmul for GPUs when C is small and K is long (the first and last layers: their weight gradients
// have K = batch, the last layer's output has N = 2); the contract of shaders/matmulContract.wgsl.
// A workgroup owns a 4x4 block of C and its WG invocations split K between them (k = lid, lid + WG,
// ...), each keeping 16 partial sums and 4 partial row sums; a tree reduction in workgroup memory
// adds them up. The tiled kernel gives such a product only a few workgroups, each walking all of K
// alone: on an H200 a 256x4x1024 weight gradient took 1.1 ms there, 38 % of a whole training step.
//! include matmulContract

override WG: u32 = 128u; // a power of two

var<workgroup> red: array<vec4f, WG>;

fn loadA(i: u32, k: u32) -> f32 {
  if (i >= dims.M) { return 0.0; }
  let idx = select(i * dims.K + k, k * dims.M + i, TRANS_A);
  if (GATE_A) { return A[idx] * activation(P[idx], GATE_ACT, 1u); }
  return A[idx];
}

fn loadB(k: u32, j: u32) -> f32 {
  if (j >= dims.N) { return 0.0; }
  return B[select(k * dims.N + j, j * dims.K + k, TRANS_B)];
}

// Sums `v` over the workgroup; the result is valid in invocation 0.
fn workgroupSum(lid: u32, v: vec4f) -> vec4f {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier(); // red is reused by the next sum
  return total;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let lid = lid3.x;
  let i0 = wid.y * 4u;
  let j0 = wid.x * 4u;
  var acc: array<vec4f, 4>; // acc[r]: row i0 + r, columns j0 .. j0 + 3
  var rs = vec4f(0.0);      // row sums of rows i0 .. i0 + 3
  for (var k = lid; k < dims.K; k += WG) {
    let a = vec4f(loadA(i0, k), loadA(i0 + 1u, k), loadA(i0 + 2u, k), loadA(i0 + 3u, k));
    let b = vec4f(loadB(k, j0), loadB(k, j0 + 1u), loadB(k, j0 + 2u), loadB(k, j0 + 3u));
    acc[0] += a.x * b;
    acc[1] += a.y * b;
    acc[2] += a.z * b;
    acc[3] += a.w * b;
    rs += a;
  }
  for (var r = 0u; r < 4u; r++) {
    let row = workgroupSum(lid, acc[r]);
    let i = i0 + r;
    if (lid == 0u && i < dims.M) {
      for (var c = 0u; c < 4u; c++) {
        let j = j0 + c;
        if (j >= dims.N) { break; }
        storeOutput(i, j, row[c]);
      }
    }
  }
  if (ROWSUM) {
    let sums = workgroupSum(lid, rs);
    if (lid == 0u && wid.x == 0u) {
      for (var c = 0u; c < 4u; c++) {
        let i = i0 + c;
        if (i < dims.M) { storeRowsum(i, sums[c]); }
      }
    }
  }
}
