// The denseJvp contract, shared by denseJvp.wgsl and denseJvpRows.wgsl (PyTorch layout W:[out, in]):
//   x:[B,in], xDot:[B,in], W:[out,in], b:[out] -> y:[B,out], yDot:[B,out], pre:[B,out] (WRITE_PRE)
//   pre = x W^T + b,  y = act(pre),  yDot = act'(pre) * (xDot W^T)
//! include activations

override ACT: u32 = 0u;
override WRITE_PRE: bool = false;

struct Dims { M: u32, N: u32, K: u32, pad: u32 }

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> xDot: array<f32>;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> yDot: array<f32>;
@group(0) @binding(6) var<storage, read_write> pre: array<f32>;
@group(0) @binding(7) var<uniform> dims: Dims;

// The epilogue of output [m, n]: `sum` is row m of x times row n of W, `tangent` the same for xDot.
fn storeOutput(m: u32, n: u32, sum: f32, tangent: f32) {
  let v = sum + b[n];
  let o = m * dims.N + n;
  if (WRITE_PRE) { pre[o] = v; }
  y[o] = activation(v, ACT, 0u);
  yDot[o] = activation(v, ACT, 1u) * tangent;
}
