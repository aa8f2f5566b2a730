/**
 * The benchmark problem every implementation solves: the same network, the same batch, the same
 * initial weights, the same Adam. Inputs are drawn once on the CPU (Philox) and rounded to f32.
 *
 * Network F(x, t, s): 3 x 256 SiLU MLP on (x[2], t, h = t - s) -> 2, i.e.
 *   Linear(4,256) SiLU Linear(256,256) SiLU Linear(256,256) SiLU Linear(256,2).
 * Losses (mean over the batch of the squared norm over the 2 output dims; z = (1-t) x + t e, v = e - x):
 *   fm:       || F(z, t, t) - v ||^2
 *   meanflow: || u - sg(v - (t - s) du/dt) ||^2,  u = F(z, t, s), du/dt = JVP with tangent (v, 0, 1)
 *             on (z, r = s, t), i.e. (v, 1, 1) on the network inputs (z, t, h)
 *   tvm:      || d/ds f(z, t, s) - sg(F(f(z, t, s), s, s)) ||^2,  f = z + (s - t) F(z, t, s),
 *             d/ds f = F + (s - t) dF/ds (tangent (0, 0, 1) on (x, t, s), i.e. (0, 0, -1) on (z, t, h));
 *             the gradient flows THROUGH the JVP. (Teacher: the same weights under stop-gradient.)
 */
import { normalAt, uniformAt } from '../../src/engine/cpu/philox.ts';

export type StepKind = 'fm' | 'meanflow' | 'tvm';
export const STEP_KINDS: readonly StepKind[] = ['fm', 'meanflow', 'tvm'];

export const LAYER_SIZES = [4, 256, 256, 256, 2] as const;
export const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** One training batch, row-major f32: x, e: [B, 2]; t, s: [B] with s <= t. */
export interface Batch {
  size: number;
  x: Float32Array;
  e: Float32Array;
  t: Float32Array;
  s: Float32Array;
}

/** Weights in PyTorch layout: weight [out, in] row-major, bias [out]. */
export interface LinearWeights {
  fanIn: number;
  fanOut: number;
  weight: Float32Array;
  bias: Float32Array;
}

const STREAM = { component: 1, noiseX: 2, e: 3, t: 4, s: 5, weights: 100 } as const;

/** `size` points of an 8-Gaussian ring (radius 2, std 0.2), noise e ~ N(0, I), t >= s uniform on (0, 1). */
export function makeBatch(size: number, seed = 7): Batch {
  const x = new Float32Array(size * 2);
  const e = new Float32Array(size * 2);
  const t = new Float32Array(size);
  const s = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const k = Math.floor(uniformAt(seed, STREAM.component, 0, i) * 8);
    const angle = (2 * Math.PI * k) / 8;
    x[2 * i] = 2 * Math.cos(angle) + 0.2 * normalAt(seed, STREAM.noiseX, 0, 2 * i);
    x[2 * i + 1] = 2 * Math.sin(angle) + 0.2 * normalAt(seed, STREAM.noiseX, 0, 2 * i + 1);
    e[2 * i] = normalAt(seed, STREAM.e, 0, 2 * i);
    e[2 * i + 1] = normalAt(seed, STREAM.e, 0, 2 * i + 1);
    const a = uniformAt(seed, STREAM.t, 0, i);
    const b = uniformAt(seed, STREAM.s, 0, i);
    t[i] = Math.max(a, b);
    s[i] = Math.min(a, b);
  }
  return { size, x, e, t, s };
}

/** PyTorch's default nn.Linear init: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function initialWeights(seed = 11): LinearWeights[] {
  const layers: LinearWeights[] = [];
  for (let l = 0; l + 1 < LAYER_SIZES.length; l++) {
    const fanIn = LAYER_SIZES[l];
    const fanOut = LAYER_SIZES[l + 1];
    const bound = 1 / Math.sqrt(fanIn);
    const draw = (i: number, off: number) =>
      (2 * uniformAt(seed, STREAM.weights + l, 0, off + i) - 1) * bound;
    const weight = Float32Array.from({ length: fanOut * fanIn }, (_, i) => draw(i, 0));
    const bias = Float32Array.from({ length: fanOut }, (_, i) => draw(i, fanOut * fanIn));
    layers.push({ fanIn, fanOut, weight, bias });
  }
  return layers;
}

/** weight [out, in] -> [in, out], the layout for `x @ W` in jax-js and TF.js. */
export function transposed(w: LinearWeights): Float32Array {
  const out = new Float32Array(w.fanIn * w.fanOut);
  for (let o = 0; o < w.fanOut; o++)
    for (let i = 0; i < w.fanIn; i++) out[i * w.fanOut + o] = w.weight[o * w.fanIn + i];
  return out;
}

/** The inverse of `transposed`: a weight stored [in, out] and its bias, back to PyTorch layout. */
export function fromInOut(
  fanIn: number,
  fanOut: number,
  inOut: Float32Array,
  bias: Float32Array,
): LinearWeights {
  const weight = new Float32Array(fanIn * fanOut);
  for (let o = 0; o < fanOut; o++)
    for (let i = 0; i < fanIn; i++) weight[o * fanIn + i] = inOut[i * fanOut + o];
  return { fanIn, fanOut, weight, bias };
}

export const parameterCount = (ws: LinearWeights[]) =>
  ws.reduce((n, w) => n + w.weight.length + w.bias.length, 0);
