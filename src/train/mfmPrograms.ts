/**
 * Graphs that read a Meta Flow Map (a conditional sampling network with condDim 3 = (t, x_t)):
 * one-step posterior samples of p(x_0 | x_t), and one step of reward-guided sampling.
 *
 * Guidance (project convention, t = 0 data): the tilted marginal p_t(x) exp V_t(x), V_t(x) =
 * log E[exp r(x_0) | x_t = x], has the velocity u(x, t) - t / (1 - t) grad V_t(x) (the linear path's
 * score is -(x + (1 - t) u) / t, and the tilt adds grad V to it). Estimators of grad V:
 *   iwae: grad_x logsumexp_i r(X(e_i, 1, 0; t, x)) over N one-step posterior samples (reparameterised);
 *   sne:  gradient-free, (1 - t) / t^2 (sum_i w_i x_0^i - mean_i x_0^i), w = softmax(r) (Tweedie on the
 *         Gaussian likelihood of x_t given x_0), so the drift is u - (sum w x_0 - mean x_0) / t;
 *   dps:  grad_x r(x - t u(x, t)) through the teacher's denoiser (the baseline; no MFM, N unused).
 * As the official sampler: Euler steps from t = GUIDE_T_START (their 0.01, data at 1) to 0 with the drift
 * at the step's start, and the factor t / (1 - t) (their sigma_t^2 / 2) clamped at GUIDE_FACTOR_MAX
 * (their sigma_t^2 <= 25); near t = 1 it would otherwise multiply the estimator's error without bound.
 */
import {
  add,
  broadcastTo,
  div,
  exp,
  grad,
  input,
  log,
  max,
  mean,
  minimum,
  mul,
  reshape,
  slice,
  square,
  stopGradient,
  sub,
  sum,
  type Tensor,
} from '../autodiff/index.ts';
import { condition, posteriorJump } from '../methods/mfm.ts';
import type { Method, VelocityFn } from '../methods/method.ts';
import { paramInputs } from '../nn/index.ts';
import type { ExperimentConfig } from './config.ts';
import { bindConditional, emaPrefix, netOptions, netPrefix, networkSpec } from './networks.ts';

export const POSTERIOR_NOISE = 'posterior.noise';
export const POSTERIOR_COND = 'posterior.cond';
export const GUIDE_X = 'guide.x';
export const GUIDE_NOISE = 'guide.noise';
/** [t_mid, h]: the drift's time and the step (negative when sampling). */
export const GUIDE_TIME = 'guide.time';
/** [a1, a2, y, sigma^2] of r(x) = log N(y; a . x, sigma^2). */
export const GUIDE_REWARD = 'guide.reward';

export const GUIDE_T_START = 0.99;
export const GUIDE_FACTOR_MAX = 12.5;

export const ESTIMATORS = ['iwae', 'sne', 'dps'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

export class NotMetaFlowMapError extends Error {
  override name = 'NotMetaFlowMapError';
  constructor(method: string) {
    super(
      `method '${method}' has no conditional posterior network: posterior samples and MFM guidance need a Meta Flow Maps checkpoint (method 'mfm'; train one with --preset mfm-gmm3)`,
    );
  }
}

function posteriorNet(method: Method, config: ExperimentConfig, useEma: boolean) {
  const name = method.sampleNetwork;
  const decl = method.networks[name];
  if (decl.kind !== 'conditionalFlowMap' || decl.condDim !== 3) throw new NotMetaFlowMapError(method.id);
  const params = paramInputs(networkSpec(decl, config), useEma ? emaPrefix(name) : netPrefix(name));
  return bindConditional(params, netOptions(config));
}

/** n one-step posterior samples given the conditioning row (t, x_t) fed as POSTERIOR_COND [1, 3]. */
export function posteriorGraph(method: Method, config: ExperimentConfig, n: number, useEma: boolean): Tensor {
  const net = posteriorNet(method, config, useEma);
  const c = broadcastTo(input(POSTERIOR_COND, [1, 3]), [n, 3]);
  return posteriorJump(net, input(POSTERIOR_NOISE, [n, 2]), c);
}

/** r(x) up to its constant, for rows of x [K, 2], with the fed reward row [a1, a2, y, sigma^2]: [K]. */
function rewardOf(x: Tensor, reward: Tensor): Tensor {
  const k = x.shape[0];
  const a = broadcastTo(slice(reward, 1, 0, 2), [k, 2]);
  const y = slice(reward, 1, 2, 1);
  const s2 = slice(reward, 1, 3, 1);
  const d = sub(y, sum(mul(x, a), [1], true)); // [K, 1]
  return reshape(div(square(d), mul(s2, -2)), [k]);
}

const factor = (t: Tensor) => minimum(div(t, sub(1, t)), GUIDE_FACTOR_MAX);

/**
 * One guided Euler step for M points: GUIDE_X [M, 2] -> next [M, 2]. `mc` posterior samples per point
 * (iwae, sne) read GUIDE_NOISE [M mc, 2]; `teacher` is the base velocity u(x, t).
 */
export function guideStepGraph(
  method: Method,
  config: ExperimentConfig,
  teacher: VelocityFn,
  m: number,
  mc: number,
  estimator: Estimator,
  useEma: boolean,
): Tensor {
  const x = input(GUIDE_X, [m, 2]);
  const time = input(GUIDE_TIME, [1, 2]);
  const reward = input(GUIDE_REWARD, [1, 4]);
  const t = broadcastTo(slice(time, 1, 0, 1), [m, 1]);
  const h = slice(time, 1, 1, 1);
  const u = teacher(x, t);
  let drift: Tensor;
  if (estimator === 'dps') {
    const denoised = sub(x, mul(t, u));
    const [gV] = grad(sum(rewardOf(denoised, reward)), [x]);
    drift = sub(u, mul(factor(t), gV));
  } else {
    const net = posteriorNet(method, config, useEma);
    const k = m * mc;
    const rep = (a: Tensor, d: number) => reshape(broadcastTo(reshape(a, [m, 1, d]), [m, mc, d]), [k, d]);
    const x0 = posteriorJump(net, input(GUIDE_NOISE, [k, 2]), condition(rep(t, 1), rep(x, 2)));
    const r = reshape(rewardOf(x0, reward), [m, mc]);
    const top = stopGradient(max(r, [1], true));
    const e = exp(sub(r, top));
    if (estimator === 'iwae') {
      const lse = add(log(sum(e, [1], true)), top);
      const [gV] = grad(sum(lse), [x]);
      drift = sub(u, mul(factor(t), gV));
    } else {
      const w = reshape(div(e, sum(e, [1], true)), [m, mc, 1]);
      const pts = reshape(x0, [m, mc, 2]);
      const weighted = sum(mul(w, pts), [1]);
      const plain = mean(pts, [1]);
      drift = sub(u, div(sub(weighted, plain), t));
    }
  }
  return add(x, mul(h, drift));
}
