/**
 * Test helpers for the methods: loss contexts on the float64 executor, small flow networks with
 * seeded weights, and the exact flow of Gaussian data N(mu, sigma^2 I) (the linear-path flow is
 * affine there, so every flow-map quantity is closed form).
 */
import {
  add,
  broadcastTo,
  concat,
  constant,
  div,
  evalCpu,
  input,
  mul,
  sampleData,
  sqrt,
  square,
  sub,
  type Tensor,
} from '../../src/autodiff/index.ts';
import { eightGaussians } from '../../src/data/index.ts';
import { gmmVelocityGraph } from '../../src/nn/gmmVelocity.ts';
import {
  streamCounter,
  type ConditionalFlowMapFn,
  type FlowMapFn,
  type Method,
  type LossContext,
  type VelocityFn,
} from '../../src/methods/method.ts';
import {
  flowNet,
  flowNetSpec,
  initParams,
  paramInputs,
  paramList,
  prefixed,
  type ParamSpec,
} from '../../src/nn/index.ts';

export const SEED = 7;
export const STEP = 3;

/** Evaluates tensors in float64 with the shared seed and step. */
export const run = (outs: Tensor[], feeds: Record<string, Float64Array> = {}): Float64Array[] =>
  evalCpu(outs, feeds, { seed: SEED, step: STEP });

export const scalar = (t: Tensor, feeds: Record<string, Float64Array> = {}): number => run([t], feeds)[0][0];

/** A small seeded flow network F(x, t, s) with its parameter inputs and values. */
export interface TestNet {
  fn: FlowMapFn;
  /** The same network with its conditioning inputs (condDim > 0). */
  cond: ConditionalFlowMapFn;
  spec: ParamSpec[];
  params: Tensor[];
  feeds: Record<string, Float64Array>;
}

export function testNet(prefix: string, seed: number, width = 16, depth = 2, condDim = 0): TestNet {
  const spec = flowNetSpec({ timeFeatures: 'raw' }, { width, depth, act: 'silu' }, condDim);
  const inputs = paramInputs(spec, prefix);
  const opts = { timeFeatures: 'raw' as const, act: 'silu' as const };
  return {
    fn: (x, t, s) => flowNet(inputs, x, t, s, opts),
    cond: (x, t, s, c) => flowNet(inputs, x, t, s, opts, [c]),
    spec,
    params: paramList(spec, inputs),
    feeds: prefixed(initParams(spec, seed), prefix),
  };
}

export interface ContextOptions<P> {
  params: P;
  batch: number;
  nets?: Record<string, FlowMapFn>;
  condNets?: Record<string, ConditionalFlowMapFn>;
  teacher?: VelocityFn | null;
  /** Data: a dataset name sampled on the executor, a fixed graph tensor, or none. */
  data?: string | Tensor | null;
  /** First Philox stream of the context's random leaves (default 1; stream 0 is the data). */
  firstStream?: number;
}

export function lossContext<P>(o: ContextOptions<P>): LossContext<P> {
  const data =
    o.data === undefined || o.data === null
      ? null
      : typeof o.data === 'string'
        ? sampleData(o.data, o.batch, 0)
        : o.data;
  return {
    params: o.params,
    batch: o.batch,
    dim: 2,
    data,
    random: streamCounter(o.firstStream ?? 1),
    nets: o.nets ?? {},
    condNets: o.condNets ?? {},
    teacher: o.teacher ?? null,
  };
}

/** Data N(mu, sigma^2 I) in 2-D: the exact linear-path velocity and flow map as graphs. */
export class GaussianFlow {
  /** `muTensor` builds the mean as a graph (default: the fed input 'gauss.mu'); pass one to make it trainable. */
  constructor(
    readonly mu: [number, number],
    readonly sigma: number,
    private readonly muTensor: () => Tensor = () => input('gauss.mu', [1, 2]),
  ) {}

  /** V_t = (1 - t)^2 sigma^2 + t^2, the variance of z_t. */
  variance(t: Tensor): Tensor {
    return add(mul(square(sub(1, t)), this.sigma ** 2), square(t));
  }

  private centred(x: Tensor, t: Tensor): Tensor {
    return sub(x, mul(sub(1, t), this.muTensor()));
  }

  /** u(x, t) = -mu + c_t (x - (1 - t) mu), c_t = (t - (1 - t) sigma^2) / V_t. */
  readonly velocity: VelocityFn = (x, t) => {
    const c = div(sub(t, mul(sub(1, t), this.sigma ** 2)), this.variance(t));
    return add(mul(this.muTensor(), -1), mul(c, this.centred(x, t)));
  };

  /**
   * The exact average velocity F*(x, t, s) = -mu + g(t, s) (x - (1 - t) mu) with
   * g = [sigma^2 (s + t - 2) + s + t] / (V_t (k + 1)), k = sqrt(V_s / V_t): the flow map
   * psi(x, t, s) = (1 - s) mu + k (x - (1 - t) mu) with the removable singularity at s = t removed.
   */
  readonly flowMap: FlowMapFn = (x, t, s) => {
    const vt = this.variance(t);
    const k = sqrt(div(this.variance(s), vt));
    const num = add(mul(sub(add(s, t), 2), this.sigma ** 2), add(s, t));
    const g = div(num, mul(vt, add(k, 1)));
    return add(mul(this.muTensor(), -1), mul(g, this.centred(x, t)));
  };

  /** psi(x, t, s) in float64, for one point. */
  psi(x: [number, number], t: number, s: number): [number, number] {
    const v = (u: number) => (1 - u) ** 2 * this.sigma ** 2 + u ** 2;
    const k = Math.sqrt(v(s) / v(t));
    return [0, 1].map((i) => (1 - s) * this.mu[i] + k * (x[i] - (1 - t) * this.mu[i])) as [number, number];
  }

  readonly feeds = (): Record<string, Float64Array> => ({ 'gauss.mu': Float64Array.from(this.mu) });
}

/** Max |a - b| over two arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A column [n, 1] input named `name`, with its feed. */
export function column(name: string, values: number[]): { t: Tensor; feeds: Record<string, Float64Array> } {
  return { t: input(name, [values.length, 1]), feeds: { [name]: Float64Array.from(values) } };
}

/** Central finite difference of a scalar graph with respect to element `i` of the fed input `name`. */
export function finiteDifference(
  loss: Tensor,
  feeds: Record<string, Float64Array>,
  name: string,
  i: number,
  h = 1e-5,
): number {
  const at = (d: number) => {
    const v = feeds[name].slice();
    v[i] += d;
    return scalar(loss, { ...feeds, [name]: v });
  };
  return (at(h) - at(-h)) / (2 * h);
}

/** The analytic teacher of the 8-gaussians dataset: its exact velocity as a graph (src/nn/gmmVelocity.ts). */
export const eightGaussiansTeacher: VelocityFn = (z, t) => gmmVelocityGraph(eightGaussians(), z, t);

/** Seeded test networks for every network a method declares (conditional ones with their condDim). */
export function methodNets(method: Method, seed: number, width = 16, depth = 2): Record<string, TestNet> {
  const nets: Record<string, TestNet> = {};
  Object.entries(method.networks).forEach(([name, d], k) => {
    const cond = d.kind === 'conditionalFlowMap' ? (d.condDim ?? 0) : 0;
    nets[name] = testNet(`${name}.`, seed + k, width, d.depth ?? depth, cond);
  });
  return nets;
}

/** The nets and condNets records of a loss context over test networks. */
export function boundNets(method: Method, nets: Record<string, TestNet>) {
  const plain: Record<string, FlowMapFn> = {};
  const cond: Record<string, ConditionalFlowMapFn> = {};
  for (const [name, n] of Object.entries(nets)) {
    if (method.networks[name]?.kind === 'conditionalFlowMap') cond[name] = n.cond;
    else plain[name] = n.fn;
  }
  return { nets: plain, condNets: cond };
}

/** A conditional network at a fixed conditioning row, as a plain F(x, t, s) (as the trainer's samplers bind it). */
export const marginalOf =
  (net: ConditionalFlowMapFn, values: readonly number[], n: number): FlowMapFn =>
  (x, t, s) =>
    net(
      x,
      t,
      s,
      concat(
        values.map((v) => broadcastTo(constant(v), [n, 1])),
        1,
      ),
    );
