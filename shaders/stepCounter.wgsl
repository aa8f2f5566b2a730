// The training step counter: step[0] += 1 (one thread), so K steps can be recorded in one command buffer.
//   step:[1] (f32) -> step:[1]

@group(0) @binding(0) var<storage, read_write> step: array<f32>;

@compute @workgroup_size(1)
fn main() {
  step[0] = step[0] + 1.0;
}
