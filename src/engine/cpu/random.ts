/** Float64 reference of shaders/random.wgsl and shaders/stepCounter.wgsl. */
import { normalAt, randomBits, uniformAt } from './philox.ts';
import type { RandomFill } from '../kernels/random.ts';

export interface RandomCpuArgs {
  step: Float64Array;
  out: Float64Array | Uint32Array;
  n: number;
  dist: RandomFill;
  seed: number;
  stream: number;
}

export function randomCpu({ step, out, n, dist, seed, stream }: RandomCpuArgs): void {
  const s = Math.trunc(step[0]);
  for (let i = 0; i < n; i++) {
    if (dist === 'bits') out[i] = randomBits(seed, stream, s, Math.floor(i / 4))[i % 4];
    else out[i] = dist === 'normal' ? normalAt(seed, stream, s, i) : uniformAt(seed, stream, s, i);
  }
}

export function stepCounterCpu({ step }: { step: Float64Array }): void {
  step[0] += 1;
}
