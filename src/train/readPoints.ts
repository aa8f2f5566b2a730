/** Copies a PointSet (vec2<f32> points in a GPU buffer) back to the host: for files, metrics and tests. */
import type { PointSet } from './session.ts';

export async function readPoints(device: GPUDevice, set: PointSet): Promise<Float32Array> {
  const bytes = set.count * 8;
  const staging = device.createBuffer({
    size: Math.max(bytes, 8),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(set.buffer, set.offset, staging, 0, bytes);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0, bytes));
  staging.destroy();
  return out;
}
