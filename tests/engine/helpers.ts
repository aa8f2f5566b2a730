/** Shared helpers of the engine tests: seeded data, f32 rounding, and tolerant comparison. */
import { expect } from 'vitest';
import { Runtime } from '../../src/engine/runtime.ts';
import { testGpu } from '../gpu.ts';

let rt: Promise<Runtime> | undefined;
export function testRuntime(): Promise<Runtime> {
  rt ??= testGpu().then((ctx) => new Runtime(ctx));
  return rt;
}

/** A seeded stream of uniforms in [-1, 1) (mulberry32), rounded to f32 so CPU and GPU see the same inputs. */
export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = Math.fround(((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale);
  }
  return out;
}

export const f32 = (x: Float64Array) => Float32Array.from(x);

/**
 * Every |gpu - cpu| <= rel * mag + abs, where mag is the magnitude of the terms summed into that value
 * (e.g. sum |a||b| for a dot product): the f32 error bound of a sum grows with it, not with the result.
 */
export function expectClose(
  gpu: ArrayLike<number>,
  cpu: ArrayLike<number>,
  opts: { mag?: ArrayLike<number>; rel?: number; abs?: number; what?: string } = {},
) {
  const rel = opts.rel ?? 1e-5;
  const abs = opts.abs ?? 1e-6;
  expect(gpu.length, `${opts.what ?? ''} length`).toBeGreaterThanOrEqual(cpu.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < cpu.length; i++) {
    const bound = rel * (opts.mag ? opts.mag[i] : Math.abs(cpu[i])) + abs;
    const err = Math.abs(gpu[i] - cpu[i]);
    if (!(err <= bound) && (worst < 0 || err - bound > worstExcess)) {
      worst = i;
      worstExcess = err - bound;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${opts.what ?? 'values'}[${worst}]: gpu ${gpu[worst]} vs cpu ${cpu[worst]} (tolerance exceeded by ${worstExcess})`,
    );
  }
}
