/**
 * The shared calculus of the linear path and of flow maps, as graph ops (project convention:
 * t = 0 data, t = 1 noise, z_t = (1 - t) x + t e, v = e - x, f(x, t, s) = x + (s - t) F(x, t, s)).
 */
import type { Tensor } from '../autodiff/graph.ts';
import {
  add,
  broadcastTo,
  concat,
  constant,
  greater,
  mean,
  mul,
  reshape,
  select,
  square,
  sub,
  sum,
} from '../autodiff/ops.ts';
import type { Shape } from '../autodiff/prims.ts';
import type { FlowMapFn, VelocityFn } from './method.ts';

/** A tensor of `shape` filled with `value` (one broadcast scalar, no buffer of its own). */
export const filled = (shape: Shape, value: number): Tensor => broadcastTo(constant(value), shape);

/** z_t = (1 - t) x + t e = x + t (e - x); t [B, 1] broadcasts over the data dimensions. */
export const interpolate = (x: Tensor, e: Tensor, t: Tensor): Tensor => add(x, mul(t, sub(e, x)));

/** The conditional velocity of the linear path, v = e - x. */
export const conditionalVelocity = (x: Tensor, e: Tensor): Tensor => sub(e, x);

/** f(x, t, s) = x + (s - t) F. */
export const flowMapFrom = (x: Tensor, t: Tensor, s: Tensor, F: Tensor): Tensor => add(x, mul(sub(s, t), F));

/** f(x, t, s) with F evaluated by the network. */
export const flowMap = (net: FlowMapFn, x: Tensor, t: Tensor, s: Tensor): Tensor =>
  flowMapFrom(x, t, s, net(x, t, s));

/** The instantaneous velocity of a flow-map network: u(x, t) = F(x, t, t). */
export const diagonal =
  (net: FlowMapFn): VelocityFn =>
  (x, t) =>
    net(x, t, t);

/** Per-sample squared error summed over the data dimensions: [B, d] -> [B]. */
export const sumSquares = (a: Tensor): Tensor => sum(square(a), [1]);

/** Per-sample squared error averaged over the data dimensions: [B, d] -> [B]. */
export const meanSquares = (a: Tensor): Tensor => mean(square(a), [1]);

/** The batch mean of per-sample values [B] (or [B, 1]) as a scalar. */
export const batchMean = (a: Tensor): Tensor => mean(a);

/**
 * Per-sample values with non-finite entries (NaN, +-Inf) replaced by 0: TVM's `nan_to_num` on the
 * per-sample loss. `greater` is false for NaN, so the mask is 1 only where -BIG < a < BIG.
 */
export function zeroNonFinite(a: Tensor): Tensor {
  const big = 1e30;
  const finite = mul(greater(a, -big), greater(big, a));
  return select(finite, a, 0);
}

/** Stack equal-shape points [N, d] into [K, N, d] (a trajectory). */
export function stackPoints(points: Tensor[]): Tensor {
  const [n, d] = points[0].shape;
  return concat(
    points.map((p) => reshape(p, [1, n, d])),
    0,
  );
}

/** The uniform grid 1 = t_0 > t_1 > ... > t_K = 0. */
export const uniformGrid = (steps: number): number[] =>
  Array.from({ length: steps + 1 }, (_, i) => 1 - i / steps);

/** A time column [N, 1] holding one value. */
export const timeColumn = (n: number, value: number): Tensor => filled([n, 1], value);

/** x_{i+1} = x_i + h u(...) for one ODE step from time a to time b (h = b - a < 0 when sampling). */
export function odeStep(
  u: VelocityFn,
  x: Tensor,
  a: number,
  b: number,
  solver: 'euler' | 'midpoint' | 'heun',
): Tensor {
  const n = x.shape[0];
  const h = b - a;
  const ta = timeColumn(n, a);
  const k1 = u(x, ta);
  if (solver === 'euler') return add(x, mul(k1, h));
  if (solver === 'midpoint') {
    const mid = add(x, mul(k1, h / 2));
    return add(x, mul(u(mid, timeColumn(n, a + h / 2)), h));
  }
  const pred = add(x, mul(k1, h));
  const k2 = u(pred, timeColumn(n, b));
  return add(x, mul(add(k1, k2), h / 2));
}

/** Evaluations of the velocity per ODE step. */
export const evalsPerStep = (solver: 'euler' | 'midpoint' | 'heun'): number => (solver === 'euler' ? 1 : 2);

/** Integrates dx/dt = u(x, t) from t = a to t = b in `steps` equal steps; returns every point. */
export function odePath(
  u: VelocityFn,
  x: Tensor,
  a: number,
  b: number,
  steps: number,
  solver: 'euler' | 'midpoint' | 'heun',
): Tensor[] {
  const path = [x];
  let cur = x;
  for (let i = 0; i < steps; i++) {
    cur = odeStep(u, cur, a + ((b - a) * i) / steps, a + ((b - a) * (i + 1)) / steps, solver);
    path.push(cur);
  }
  return path;
}

/**
 * Integrates dx/dt = u(x, t) from per-sample times t [B, 1] to s [B, 1] in `steps` equal steps
 * (each sample on its own grid): the teacher's ODE solution inside the training graph. Returns the
 * end point and the average velocity (end - x) / (s - t), computed as the mean of the step slopes
 * (no division by a small gap; at s = t it is u(x, t)).
 */
export function odeSolveBetween(
  u: VelocityFn,
  x: Tensor,
  t: Tensor,
  s: Tensor,
  steps: number,
  solver: 'euler' | 'midpoint' | 'heun',
): { end: Tensor; average: Tensor } {
  const h = mul(sub(s, t), 1 / steps);
  const at = (k: number): Tensor => (k === 0 ? t : add(t, mul(h, k)));
  let cur = x;
  let slopes: Tensor | null = null;
  for (let i = 0; i < steps; i++) {
    const k1 = u(cur, at(i));
    let slope: Tensor;
    if (solver === 'euler') {
      slope = k1;
    } else if (solver === 'midpoint') {
      slope = u(add(cur, mul(mul(h, 0.5), k1)), at(i + 0.5));
    } else {
      const k2 = u(add(cur, mul(h, k1)), at(i + 1));
      slope = mul(add(k1, k2), 0.5);
    }
    cur = add(cur, mul(h, slope));
    slopes = slopes ? add(slopes, slope) : slope;
  }
  return { end: cur, average: mul(slopes!, 1 / steps) };
}

/** Flow-map sampling on the uniform grid: x <- f(x, t_i, t_{i+1}); returns every point. */
export function flowMapPath(net: FlowMapFn, e: Tensor, steps: number): Tensor[] {
  const n = e.shape[0];
  const grid = uniformGrid(steps);
  const path = [e];
  let x = e;
  for (let i = 0; i < steps; i++) {
    x = flowMap(net, x, timeColumn(n, grid[i]), timeColumn(n, grid[i + 1]));
    path.push(x);
  }
  return path;
}
