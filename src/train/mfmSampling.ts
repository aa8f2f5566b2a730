/**
 * Sampling a Meta Flow Map session: one-step posterior samples p(x_0 | x_t) and reward-guided samples,
 * on the programs of mfmPrograms.ts, reading the training step's parameters (sampling.ts).
 */
import type { CompiledStep } from '../autodiff/compile.ts';
import {
  GUIDE_NOISE,
  GUIDE_REWARD,
  GUIDE_T_START,
  GUIDE_TIME,
  GUIDE_X,
  POSTERIOR_COND,
  POSTERIOR_NOISE,
  type Estimator,
} from './mfmPrograms.ts';
import { samplingNoise } from './sampleGraph.ts';
import type { SamplingPrograms } from './sampling.ts';

/** r(x) = log N(y; a . x, sigma^2) (src/data/posterior.ts LinearReward). */
export interface GuideReward {
  a: readonly [number, number];
  y: number;
  sigma: number;
}

/** n one-step samples of p(x_0 | x_t = at) at time t from the noise of evaluation `round`, read back. */
export function posteriorSamples(
  sampling: SamplingPrograms,
  training: CompiledStep,
  seed: number,
  q: { t: number; at: readonly [number, number]; n: number; round: number },
): Promise<Float32Array> {
  const p = sampling.posteriorProgram(q.n);
  p.step.write(POSTERIOR_NOISE, samplingNoise(seed + 17, q.round, q.n));
  p.step.write(POSTERIOR_COND, [q.t, q.at[0], q.at[1]]);
  sampling.run(p, training);
  return p.step.read('samples');
}

/**
 * m reward-guided samples for r(x) = log N(y; a . x, sigma^2): `steps` Euler steps of the guided ODE
 * from t = GUIDE_T_START with the drift of `estimator` (mfmPrograms.ts), `mc` posterior samples per point.
 */
export async function guidedSamples(
  sampling: SamplingPrograms,
  training: CompiledStep,
  seed: number,
  q: { reward: GuideReward; estimator: Estimator; mc: number; m: number; steps: number; round: number },
): Promise<Float32Array> {
  const { reward, estimator, m, steps, round } = q;
  const mc = estimator === 'dps' ? 1 : q.mc;
  const p = sampling.guideProgram(m, mc, estimator);
  let x = samplingNoise(seed + 29, round, m);
  p.step.write(GUIDE_REWARD, [reward.a[0], reward.a[1], reward.y, reward.sigma ** 2]);
  const k = estimator === 'dps' ? 0 : m * mc;
  for (let i = 0; i < steps; i++) {
    p.step.write(GUIDE_X, x);
    p.step.write(GUIDE_TIME, [GUIDE_T_START * (1 - i / steps), -GUIDE_T_START / steps]);
    if (k > 0) p.step.write(GUIDE_NOISE, samplingNoise(seed + 31 + i, round, k));
    sampling.run(p, training);
    x = await p.step.read('next');
  }
  return x;
}
