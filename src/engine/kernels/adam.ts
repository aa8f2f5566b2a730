/** The optimizer kernels: AdamW over a flat parameter range (shaders/adam.wgsl) and the EMA (shaders/ema.wgsl). */
import adamCode from '../../../shaders/adam.wgsl?raw';
import emaCode from '../../../shaders/ema.wgsl?raw';
import type { Dispatch, Runtime, View } from '../runtime.ts';
import { ceilDiv, grid, need } from './common.ts';
import { reduceDispatch } from './reduce.ts';

export const ADAM = { name: 'adam', code: adamCode };
export const EMA = { name: 'ema', code: emaCode };

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this value; 0 disables. */
  clipNorm: number;
}

export interface AdamArgs {
  /** Flat parameters, gradients and moments: same length n (gaps between tensors hold zeros). */
  p: View;
  g: View;
  m: View;
  v: View;
  n: number;
  /** [1] f32: the 1-based step (already incremented for this update). */
  step: View;
  hyper: AdamHyper;
  /** [1]: sum of squared gradients, from gradNormSqDispatch; required when hyper.clipNorm > 0. */
  gradNormSq?: View;
}

function adamWords(n: number, h: AdamHyper): ArrayBuffer {
  const buf = new ArrayBuffer(32);
  new Uint32Array(buf, 0, 1)[0] = n;
  new Float32Array(buf, 4, 7).set([h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.clipNorm, 0]);
  return buf;
}

export function adamDispatch(rt: Runtime, args: AdamArgs): Dispatch {
  const { n, hyper } = args;
  const clip = hyper.clipNorm > 0;
  if (clip && !args.gradNormSq)
    throw new Error(
      'adam: clipNorm > 0 needs gradNormSq; prepare gradNormSqDispatch over the same gradients first',
    );
  const pipeline = rt.pipeline(ADAM, 6, true, { CLIP: clip, WG: 256 });
  const uniform = rt.uniform(adamWords(n, hyper));
  const label = `adam n=${n}${clip ? ' clip' : ''}`;
  const views = [
    need('adam', 'g', args.g, n),
    need('adam', 'step', args.step, 1),
    clip ? need('adam', 'gradNormSq', args.gradNormSq!, 1) : rt.placeholder(0),
    need('adam', 'p', args.p, n),
    need('adam', 'm', args.m, n),
    need('adam', 'v', args.v, n),
  ];
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: grid(ceilDiv(n, 256)),
    uniform,
  };
}

/** Rewrites the hyperparameters of a prepared adam dispatch (a learning-rate schedule). */
export function setAdamHyper(rt: Runtime, d: Dispatch, n: number, hyper: AdamHyper): void {
  rt.device.queue.writeBuffer(d.uniform!, 0, adamWords(n, hyper));
}

/** out[0] = sum g^2 over the flat gradient range: the dispatch to run before a clipping adam. */
export function gradNormSqDispatch(rt: Runtime, args: { g: View; n: number; out: View }): Dispatch {
  return reduceDispatch(rt, {
    x: args.g,
    shape: [args.n],
    axes: [0],
    op: 'sum',
    square: true,
    out: args.out,
  });
}

export interface EmaArgs {
  p: View;
  pEma: View;
  n: number;
  decay: number;
}

export function emaDispatch(rt: Runtime, args: EmaArgs): Dispatch {
  const buf = new ArrayBuffer(16);
  new Uint32Array(buf, 0, 1)[0] = args.n;
  new Float32Array(buf, 4, 1)[0] = args.decay;
  const pipeline = rt.pipeline(EMA, 2, true, { WG: 256 });
  const uniform = rt.uniform(buf);
  const label = `ema n=${args.n}`;
  const views = [need('ema', 'p', args.p, args.n), need('ema', 'pEma', args.pEma, args.n)];
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: grid(ceilDiv(args.n, 256)),
    uniform,
  };
}
