/**
 * Checks of jvp and vjp against central finite differences of the float64 CPU executor, along random
 * directions (all inputs at once, then each input alone so that the symbolic-zero paths run too).
 */
import { expect } from 'vitest';
import {
  evalCpu,
  input,
  jvpOfGraph,
  sizeOf,
  vjp,
  type Shape,
  type Tensor,
} from '../../src/autodiff/index.ts';

export interface InputSpec {
  shape: Shape;
  /** Draw values in (0.5, 1.5) instead of (-1, 1) (for log, sqrt, recip, div). */
  positive?: boolean;
}

export interface FdCase {
  name: string;
  inputs: InputSpec[];
  build: (...xs: Tensor[]) => Tensor | Tensor[];
}

/** A small seeded generator (mulberry32) for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomArray = (n: number, r: () => number, positive = false) =>
  Float64Array.from({ length: n }, () => (positive ? 0.5 + r() : 2 * r() - 1));

const H = 1e-6;
const CTX = { seed: 7, step: 3 };

function setup(c: FdCase, seed: number) {
  const r = rng(seed);
  const xs = c.inputs.map((s, i) => input(`x${i}`, s.shape));
  const built = c.build(...xs);
  const outs = Array.isArray(built) ? built : [built];
  const feeds: Record<string, Float64Array> = {};
  c.inputs.forEach((s, i) => (feeds[`x${i}`] = randomArray(sizeOf(s.shape), r, s.positive)));
  const dirs = c.inputs.map((s) => randomArray(sizeOf(s.shape), r));
  const moved = (scale: number, mask: boolean[]) => {
    const f = { ...feeds };
    c.inputs.forEach((_, i) => {
      if (mask[i]) f[`x${i}`] = feeds[`x${i}`].map((v, k) => v + scale * dirs[i][k]);
    });
    return f;
  };
  const masks = [c.inputs.map(() => true), ...c.inputs.map((_, i) => c.inputs.map((__, j) => i === j))];
  return { r, xs, outs, feeds, dirs, moved, masks };
}

function close(got: Float64Array, want: Float64Array, what: string) {
  expect(got.length, what).toBe(want.length);
  for (let k = 0; k < got.length; k++) {
    const tol = 1e-6 * (1 + Math.abs(want[k]));
    if (!(Math.abs(got[k] - want[k]) <= tol)) {
      throw new Error(`${what}: element ${k} is ${got[k]}, finite differences give ${want[k]}`);
    }
  }
}

/** jvp(outs)(x; v) against (f(x + h v) - f(x - h v)) / 2h, for v on all inputs and on each alone. */
export function checkJvp(c: FdCase, seed = 1) {
  const { xs, outs, feeds, dirs, moved, masks } = setup(c, seed);
  for (const mask of masks) {
    const dots = xs.map((x, i) => (mask[i] ? input(`dot${i}`, x.shape) : null));
    const res = jvpOfGraph(outs, xs, dots);
    const f = { ...feeds };
    dirs.forEach((d, i) => (f[`dot${i}`] = d));
    const primal = evalCpu(res.out, f, CTX);
    const plus = evalCpu(outs, moved(H, mask), CTX);
    const minus = evalCpu(outs, moved(-H, mask), CTX);
    const base = evalCpu(outs, feeds, CTX);
    outs.forEach((o, k) => {
      close(primal[k], base[k], `${c.name}: re-emitted primal ${k}`);
      const fd = plus[k].map((p, e) => (p - minus[k][e]) / (2 * H));
      const t = res.tangents[k];
      const got = t === null ? new Float64Array(o.size) : evalCpu([t], f, CTX)[0];
      close(got, fd, `${c.name}: tangent ${k} (mask ${mask})`);
    });
  }
}

/** <vjp(ct), v> against <ct, (f(x + h v) - f(x - h v)) / 2h>, for v on all inputs and on each alone. */
export function checkVjp(c: FdCase, seed = 2) {
  const { r, xs, outs, feeds, dirs, moved, masks } = setup(c, seed);
  const cts = outs.map((o, k) => input(`ct${k}`, o.shape));
  const f = { ...feeds };
  outs.forEach((o, k) => (f[`ct${k}`] = randomArray(o.size, r)));
  const grads = vjp(outs, cts, xs);
  grads.forEach((g, i) => expect(g.shape, `${c.name}: gradient ${i} shape`).toEqual(xs[i].shape));
  const g = evalCpu(grads, f, CTX);
  for (const mask of masks) {
    let ad = 0;
    g.forEach((gi, i) => {
      if (mask[i]) gi.forEach((v, e) => (ad += v * dirs[i][e]));
    });
    const plus = evalCpu(outs, moved(H, mask), CTX);
    const minus = evalCpu(outs, moved(-H, mask), CTX);
    let fd = 0;
    outs.forEach((_, k) => plus[k].forEach((p, e) => (fd += (f[`ct${k}`][e] * (p - minus[k][e])) / (2 * H))));
    close(Float64Array.of(ad), Float64Array.of(fd), `${c.name}: vjp (mask ${mask})`);
  }
}
