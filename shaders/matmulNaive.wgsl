// Naive matmul, one output per thread, for the benchmark only:
//   C[M,N] = opA(A) . opB(B)     A:[M,K] or [K,M] (TRANS_A), B:[K,N] or [N,K] (TRANS_B)

override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Dims { M: u32, N: u32, K: u32, pad: u32 }

@group(0) @binding(0) var<storage, read_write> A: array<f32>;
@group(0) @binding(1) var<storage, read_write> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = g.x;
  let m = g.y;
  if (m >= dims.M || n >= dims.N) { return; }
  var s = 0.0;
  for (var k = 0u; k < dims.K; k++) {
    let a = A[select(m * dims.K + k, k * dims.M + m, TRANS_A)];
    let b = B[select(k * dims.N + n, n * dims.K + k, TRANS_B)];
    s += a * b;
  }
  C[m * dims.N + n] = s;
}
