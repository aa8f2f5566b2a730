// The matmul contract, shared by matmul.wgsl, matmulRows.wgsl and matmulLongK.wgsl:
//   C[M,N] (+)= act(opA(A) . opB(B) + bias)      A:[M,K] or [K,M] (TRANS_A), B:[K,N] or [N,K] (TRANS_B)
//   bias:[N]  P: A's layout (GATE_A: A := A * act'(P) on load)  pre:[M,N] (WRITE_PRE)  rowsum:[M] (ROWSUM)
//   ACCUMULATE: C += result (and rowsum += its sum) instead of C = result.
//! include activations

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override ACT: u32 = 0u;
override WRITE_PRE: bool = false;
override GATE_A: bool = false;
override GATE_ACT: u32 = 0u;
override ROWSUM: bool = false;
override ACCUMULATE: bool = false;

struct Dims { M: u32, N: u32, K: u32, pad: u32 }

@group(0) @binding(0) var<storage, read_write> A: array<f32>;
@group(0) @binding(1) var<storage, read_write> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> P: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;
@group(0) @binding(5) var<storage, read_write> pre: array<f32>;
@group(0) @binding(6) var<storage, read_write> rowsum: array<f32>;
@group(0) @binding(7) var<uniform> dims: Dims;

// The epilogue of one output C[m, n] whose product is `sum`: bias, pre-activation, activation, accumulate.
fn storeOutput(m: u32, n: u32, sum: f32) {
  var v = sum;
  if (HAS_BIAS) { v += bias[n]; }
  let o = m * dims.N + n;
  if (WRITE_PRE) { pre[o] = v; }
  var y = activation(v, ACT, 0u);
  if (ACCUMULATE) { y += C[o]; }
  C[o] = y;
}

// The row sum of row m (ROWSUM), stored or accumulated.
fn storeRowsum(m: u32, sum: f32) {
  rowsum[m] = select(sum, rowsum[m] + sum, ACCUMULATE);
}
