/**
 * The teacher's ODE sampler as ONE solver step that is replayed: x and the current time t live in the
 * program's state, and a run of k steps in one command buffer integrates dx/dt = u(x, t) from t = 1 to 0.
 * A graph unrolled over 100 solver steps would hold hundreds of network copies; this holds one or two.
 */
import { add, broadcastTo, input, mul, reshape, type Tensor } from '../autodiff/index.ts';
import type { OdeSolver, VelocityFn } from '../methods/method.ts';

export const ODE_X = 'ode.x';
export const ODE_T = 'ode.t';

export interface OdeStepGraph {
  /** Input name -> value after one solver step. */
  updates: Record<string, Tensor>;
}

/** One step of `solver` with step size h = -1 / steps from the time held in `ode.t`. */
export function odeStepGraph(u: VelocityFn, n: number, steps: number, solver: OdeSolver): OdeStepGraph {
  const x = input(ODE_X, [n, 2]);
  const t = input(ODE_T, [1]);
  const h = -1 / steps;
  const col = (time: Tensor) => broadcastTo(reshape(time, [1, 1]), [n, 1]);
  const ta = col(t);
  const k1 = u(x, ta);
  let next: Tensor;
  if (solver === 'euler') next = add(x, mul(k1, h));
  else if (solver === 'midpoint') next = add(x, mul(u(add(x, mul(k1, h / 2)), col(add(t, h / 2))), h));
  else {
    const k2 = u(add(x, mul(k1, h)), col(add(t, h)));
    next = add(x, mul(add(k1, k2), h / 2));
  }
  return { updates: { [ODE_X]: next, [ODE_T]: add(t, h) } };
}
