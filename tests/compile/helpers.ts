/** Shared helpers of the compiler tests: the runtime, and comparison against the float64 executor. */
import { expect } from 'vitest';
import { Runtime } from '../../src/engine/runtime.ts';
import { testGpu } from '../gpu.ts';

let rt: Promise<Runtime> | undefined;
export function testRuntime(): Promise<Runtime> {
  rt ??= testGpu().then((ctx) => new Runtime(ctx));
  return rt;
}

/** max |gpu - cpu| / max |cpu|: the error relative to the tensor's scale. */
export function relError(gpu: ArrayLike<number>, cpu: ArrayLike<number>): number {
  let err = 0;
  let mag = 0;
  for (let i = 0; i < cpu.length; i++) {
    err = Math.max(err, Math.abs(gpu[i] - cpu[i]));
    mag = Math.max(mag, Math.abs(cpu[i]));
  }
  return err / Math.max(mag, 1e-30);
}

export function expectRel(gpu: Float32Array, cpu: Float64Array, tol: number, what: string): void {
  expect(gpu.length, `${what}: length`).toBe(cpu.length);
  expect(gpu.every(Number.isFinite), `${what}: finite`).toBe(true);
  expect(relError(gpu, cpu), `${what}: relative error`).toBeLessThan(tol);
}

/** A batch of 2-D points rounded to f32, so both executors see the same inputs. */
export const batchOf = (n: number) =>
  new Float64Array(2 * n).map((_, i) => Math.fround(Math.sin(1.3 * i + 0.2) * 1.5));
