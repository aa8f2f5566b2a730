/** Philox random fills (shaders/random.wgsl) and the step counter (shaders/stepCounter.wgsl). */
import code from '../../../shaders/random.wgsl?raw';
import stepCode from '../../../shaders/stepCounter.wgsl?raw';
import type { Dispatch, Runtime, View } from '../runtime.ts';
import { ceilDiv, grid, need } from './common.ts';

export const RANDOM = { name: 'random', code };
export const STEP_COUNTER = { name: 'stepCounter', code: stepCode };

/** 'bits' writes the raw Philox words (n/4 counters, four u32 each): for testing the generator. */
export type RandomFill = 'uniform' | 'normal' | 'bits';
const DIST_IDS: Record<RandomFill, number> = { uniform: 0, normal: 1, bits: 2 };

export interface RandomArgs {
  /** [1] f32: the step counter (its integer value is the Philox counter's second word). */
  step: View;
  out: View;
  n: number;
  dist: RandomFill;
  seed: number;
  stream: number;
}

export function randomDispatch(rt: Runtime, args: RandomArgs): Dispatch {
  need('random', 'step', args.step, 1);
  need('random', 'out', args.out, args.n);
  const pipeline = rt.pipeline(RANDOM, 2, true, { DIST: DIST_IDS[args.dist], WG: 256 });
  const uniform = rt.uniform(new Uint32Array([args.n, args.seed >>> 0, args.stream >>> 0, 0]));
  const label = `random ${args.dist} n=${args.n} stream=${args.stream}`;
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, [args.step, args.out], uniform),
    workgroups: grid(ceilDiv(args.n, 256)),
    uniform,
  };
}

export function stepCounterDispatch(rt: Runtime, args: { step: View }): Dispatch {
  const pipeline = rt.pipeline(STEP_COUNTER, 1, false);
  return {
    label: 'stepCounter',
    pipeline,
    bindGroup: rt.bindGroup('stepCounter', pipeline, [need('stepCounter', 'step', args.step, 1)]),
    workgroups: [1, 1, 1],
  };
}
