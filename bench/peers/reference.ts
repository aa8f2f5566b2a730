/**
 * Float64 reference of the three benchmark losses, in plain TypeScript with no autodiff: the oracle
 * that each implementation's first-step loss must match (to 1e-4 relative) before it is timed.
 * JVPs are central finite differences in float64 (truncation ~eps^2, here ~1e-10 relative).
 */
import type { Batch, LinearWeights, StepKind } from './problem.ts';

export type Vec2 = [number, number];
/** Float64 weights; same layout as LinearWeights (weight [out, in]). */
export interface Net64 {
  layers: { fanIn: number; fanOut: number; weight: Float64Array; bias: Float64Array }[];
}

export const toNet64 = (ws: LinearWeights[]): Net64 => ({
  layers: ws.map((w) => ({ ...w, weight: Float64Array.from(w.weight), bias: Float64Array.from(w.bias) })),
});

const silu = (a: number) => a / (1 + Math.exp(-a));

/** F(z, t, h) with h = t - s: the network on the input row (z0, z1, t, h). */
export function network(net: Net64, z: Vec2, t: number, h: number): Vec2 {
  let act: Float64Array = Float64Array.of(z[0], z[1], t, h);
  net.layers.forEach((L, l) => {
    const out = new Float64Array(L.fanOut);
    for (let o = 0; o < L.fanOut; o++) {
      let acc = L.bias[o];
      const row = o * L.fanIn;
      for (let i = 0; i < L.fanIn; i++) acc += L.weight[row + i] * act[i];
      out[o] = l + 1 < net.layers.length ? silu(acc) : acc;
    }
    act = out;
  });
  return [act[0], act[1]];
}

const FD_STEP = 1e-5;

/** Central difference of F along the input tangent (dz, dt, dh). */
export function networkJvpFd(
  net: Net64,
  z: Vec2,
  t: number,
  h: number,
  dz: Vec2,
  dt: number,
  dh: number,
): Vec2 {
  const k = FD_STEP;
  const p = network(net, [z[0] + k * dz[0], z[1] + k * dz[1]], t + k * dt, h + k * dh);
  const m = network(net, [z[0] - k * dz[0], z[1] - k * dz[1]], t - k * dt, h - k * dh);
  return [(p[0] - m[0]) / (2 * k), (p[1] - m[1]) / (2 * k)];
}

interface Sample {
  z: Vec2;
  v: Vec2;
  t: number;
  s: number;
}

function sample(b: Batch, i: number): Sample {
  const x: Vec2 = [b.x[2 * i], b.x[2 * i + 1]];
  const e: Vec2 = [b.e[2 * i], b.e[2 * i + 1]];
  const t = b.t[i];
  return {
    z: [(1 - t) * x[0] + t * e[0], (1 - t) * x[1] + t * e[1]],
    v: [e[0] - x[0], e[1] - x[1]],
    t,
    s: b.s[i],
  };
}

/** The regression target of sample i (stop-gradient part of each loss), computed with `net`. */
export function target(kind: StepKind, net: Net64, b: Batch, i: number): Vec2 {
  const { z, v, t, s } = sample(b, i);
  const h = t - s;
  if (kind === 'fm') return v;
  if (kind === 'meanflow') {
    const dudt = networkJvpFd(net, z, t, h, v, 1, 1);
    return [v[0] - h * dudt[0], v[1] - h * dudt[1]];
  }
  const F = network(net, z, t, h);
  const f: Vec2 = [z[0] + (s - t) * F[0], z[1] + (s - t) * F[1]];
  return network(net, f, s, 0);
}

/** The regressed quantity of sample i (the part the gradient flows through). */
export function prediction(kind: StepKind, net: Net64, b: Batch, i: number): Vec2 {
  const { z, t, s } = sample(b, i);
  if (kind === 'fm') return network(net, z, t, 0);
  const h = t - s;
  const F = network(net, z, t, h);
  if (kind === 'meanflow') return F;
  const dFds = networkJvpFd(net, z, t, h, [0, 0], 0, -1); // ds = 1 means dh = -1
  return [F[0] + (s - t) * dFds[0], F[1] + (s - t) * dFds[1]];
}

/** Loss with the stop-gradient targets taken from `targetNet` (pass the same net for the plain loss). */
export function referenceLoss(kind: StepKind, net: Net64, b: Batch, targetNet: Net64 = net): number {
  let sum = 0;
  for (let i = 0; i < b.size; i++) {
    const p = prediction(kind, net, b, i);
    const q = target(kind, targetNet, b, i);
    sum += (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
  }
  return sum / b.size;
}

export const relativeError = (a: number, ref: number) => Math.abs(a - ref) / Math.max(Math.abs(ref), 1e-30);
