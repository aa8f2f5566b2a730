/**
 * The flow network F(x, t, s): the average velocity of the flow map f(x, t, s) = x + (s - t) F(x, t, s)
 * (methods.md convention: t = 0 data, t = 1 noise; F(x, t, t) is the instantaneous velocity).
 * Input features, in this order (torch.cat along dim 1), with h = t - s:
 *   raw:     [x_0, x_1, t, h]                                            (inDim 4)
 *   fourier: [x_0, x_1, sin(w_0 t) .. sin(w_{K-1} t), cos(w_0 t) .. cos(w_{K-1} t),
 *                       sin(w_0 h) .. sin(w_{K-1} h), cos(w_0 h) .. cos(w_{K-1} h)]   (inDim 2 + 4K)
 *   with fixed frequencies w_k = pi 2^k, k = 0..K-1 (K = fourierFreqs, default 4);
 * then any conditioning inputs (a class one-hot, a conditioning point) appended in the order given.
 * The MLP on top is mlp.ts (output dim 2, the velocity).
 */
import { concat, cos, mul, sin, sub, type Activation, type Tensor } from '../autodiff/index.ts';
import { mlp, mlpSpec, NetworkShapeError } from './mlp.ts';
import type { ParamSpec, ParamTensors } from './params.ts';

export interface FlowNetOptions {
  timeFeatures: 'raw' | 'fourier';
  /** K, the number of Fourier frequencies per time input (default 4). */
  fourierFreqs?: number;
  act: Activation;
}

export const DEFAULT_FOURIER_FREQS = 4;

export const fourierFrequencies = (k: number): number[] =>
  Array.from({ length: k }, (_, i) => Math.PI * 2 ** i);

/** Width of the feature vector fed to the MLP (x, times, then `condDim` conditioning features). */
export function flowNetInDim(opts: Omit<FlowNetOptions, 'act'>, condDim = 0): number {
  const k = opts.fourierFreqs ?? DEFAULT_FOURIER_FREQS;
  return 2 + (opts.timeFeatures === 'raw' ? 2 : 4 * k) + condDim;
}

export function flowNetSpec(
  opts: Omit<FlowNetOptions, 'act'>,
  net: { width: number; depth: number; act: Activation },
  condDim = 0,
): ParamSpec[] {
  return mlpSpec({
    inDim: flowNetInDim(opts, condDim),
    width: net.width,
    depth: net.depth,
    outDim: 2,
    act: net.act,
  });
}

/** [sin(w_k u) for k] ++ [cos(w_k u) for k], u: [B, 1]. */
function fourier(u: Tensor, k: number): Tensor[] {
  const phases = fourierFrequencies(k).map((w) => mul(u, w));
  return [...phases.map(sin), ...phases.map(cos)];
}

/** The input features of F(x, t, s), before the conditioning inputs. */
export function flowFeatures(x: Tensor, t: Tensor, s: Tensor, opts: Omit<FlowNetOptions, 'act'>): Tensor[] {
  const b = x.shape[0];
  for (const [name, v, d] of [
    ['x', x, 2],
    ['t', t, 1],
    ['s', s, 1],
  ] as const) {
    if (v.rank !== 2 || v.shape[0] !== b || v.shape[1] !== d) {
      throw new NetworkShapeError(`flowNet: ${name} must be [${b}, ${d}], got [${v.shape}]`);
    }
  }
  const h = sub(t, s);
  if (opts.timeFeatures === 'raw') return [x, t, h];
  const k = opts.fourierFreqs ?? DEFAULT_FOURIER_FREQS;
  return [x, ...fourier(t, k), ...fourier(h, k)];
}

/** F(x, t, s) [B, 2] from x [B, 2], t [B, 1], s [B, 1] and optional conditioning [B, d] tensors. */
export function flowNet(
  params: ParamTensors,
  x: Tensor,
  t: Tensor,
  s: Tensor,
  opts: FlowNetOptions,
  cond: Tensor[] = [],
): Tensor {
  return mlp(params, concat([...flowFeatures(x, t, s, opts), ...cond], 1), opts.act);
}

/** The flow map f(x, t, s) = x + (s - t) F(x, t, s). */
export function flowMap(
  params: ParamTensors,
  x: Tensor,
  t: Tensor,
  s: Tensor,
  opts: FlowNetOptions,
  cond: Tensor[] = [],
) {
  return sub(x, mul(sub(t, s), flowNet(params, x, t, s, opts, cond)));
}
