/**
 * `flowmap-lab posterior` and `flowmap-lab guide`: what a Meta Flow Maps checkpoint can do that a plain
 * flow map cannot. Posterior samples of p(x_0 | x_t) and reward-guided samples, written as CSV (`x,y`)
 * and scored against the exact answer where the dataset is a Gaussian mixture, beside the
 * exact-vs-exact floor at the same sample size.
 */
import { writeFileSync } from 'node:fs';
import { checkReward, InvalidRewardError, type LinearReward } from '../../data/index.ts';
import { acquireGpu } from '../../engine/index.ts';
import { methodById } from '../../methods/index.ts';
import { ESTIMATORS, NotMetaFlowMapError, type Estimator } from '../../train/mfmPrograms.ts';
import { guideScores, posteriorScores } from '../../train/mfmScores.ts';
import { createSession, type FlowSession } from '../../train/trainSession.ts';
import { UsageError } from '../errors.ts';
import { samplesToCsv } from '../output/csv.ts';
import { hasTeacher, initialValues, readCheckpoint } from './evaluate.ts';

/** Euler steps of the guided ODE (the official sampler uses 100). */
export const GUIDE_STEPS = 50;

/** `--t T`: a time in [0, 1]. */
export function parseTime(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1)
    throw new UsageError(`--t must be a time from 0 (data) to 1 (noise), e.g. --t 0.6; got "${text}".`);
  return v;
}

/** `--at X,Y`: a point. */
export function parsePoint(text: string): [number, number] {
  const parts = text.split(',').map((s) => s.trim());
  const v = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !v.every(Number.isFinite))
    throw new UsageError(`--at must be a point X,Y such as --at 1.5,-0.5; got "${text}".`);
  return [v[0], v[1]];
}

/** `--reward 'linear:A1,A2:Y:SIGMA'`. */
export function parseReward(text: string): LinearReward {
  const m = /^linear:([^:]+):([^:]+):([^:]+)$/.exec(text.trim());
  const bad = (why: string) =>
    new UsageError(
      `--reward must be 'linear:A1,A2:Y:SIGMA' (r(x) = log N(Y; A . x, SIGMA^2)), e.g. 'linear:1.2,-0.8:-1:0.2'; "${text}" ${why}.`,
    );
  if (!m) throw bad('does not have that form');
  const a = m[1].split(',').map((s) => Number(s.trim()));
  if (a.length !== 2 || m[1].split(',').some((s) => s.trim() === ''))
    throw bad('needs two direction numbers');
  try {
    return checkReward({ a: [a[0], a[1]], y: Number(m[2]), sigma: Number(m[3]) });
  } catch (e) {
    if (e instanceof InvalidRewardError) throw bad(`is invalid (${e.message})`);
    throw e;
  }
}

export function parseEstimator(text: string): Estimator {
  if (!(ESTIMATORS as readonly string[]).includes(text))
    throw new UsageError(`--estimator must be one of ${ESTIMATORS.join(', ')}; got "${text}".`);
  return text as Estimator;
}

async function withSession<T>(
  path: string,
  body: (s: FlowSession, dataset: string) => Promise<T>,
): Promise<T> {
  const ck = readCheckpoint(path);
  const method = methodById(ck.config.method);
  const decl = method.networks[method.sampleNetwork];
  if (decl.kind !== 'conditionalFlowMap' || decl.condDim !== 3)
    throw new UsageError(new NotMetaFlowMapError(method.id).message);
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  const session = await createSession(gpu, ck.config, {
    method,
    initial: initialValues(ck),
    teacherLoaded: hasTeacher(ck),
  });
  try {
    return await body(session, ck.config.dataset);
  } finally {
    session.dispose();
    gpu.destroy();
  }
}

const fmt = (v: number) => (Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4));

function write(out: string | undefined, points: ArrayLike<number>) {
  if (!out) return;
  writeFileSync(out, samplesToCsv(points));
  console.error(`Wrote ${points.length / 2} samples to ${out}`);
}

export interface PosteriorFlags {
  checkpoint: string;
  t: string;
  at: string;
  samples: number;
  out?: string;
}

export async function posteriorCommand(flags: PosteriorFlags): Promise<number> {
  const t = parseTime(flags.t);
  const at = parsePoint(flags.at);
  return withSession(flags.checkpoint, async (session, dataset) => {
    const got = Float64Array.from(await session.posterior(t, at, flags.samples, 1));
    write(flags.out, got);
    const s = posteriorScores(dataset, t, at, got);
    if (!s) {
      console.log(`${dataset} is not a Gaussian mixture: no exact posterior to compare with.`);
      return 0;
    }
    console.log(`posterior p(x_0 | x_t = (${at.join(', ')}), t = ${t}), ${flags.samples} samples`);
    console.log(`  grid TV   ${fmt(s.gridTv)}   (exact vs exact ${fmt(s.floorTv)})`);
    console.log(`  energy    ${fmt(s.energy)}   (exact vs exact ${fmt(s.floorEnergy)})`);
    return 0;
  });
}

export interface GuideFlags {
  checkpoint: string;
  reward: string;
  estimator: string;
  mc: number;
  samples: number;
  out?: string;
}

export async function guideCommand(flags: GuideFlags): Promise<number> {
  const reward = parseReward(flags.reward);
  const estimator = parseEstimator(flags.estimator);
  return withSession(flags.checkpoint, async (session, dataset) => {
    const got = Float64Array.from(
      await session.guide(reward, estimator, flags.mc, flags.samples, GUIDE_STEPS, 1),
    );
    write(flags.out, got);
    const s = guideScores(dataset, reward, got);
    if (!s) {
      console.log(`${dataset} is not a Gaussian mixture: no exact tilted target to compare with.`);
      return 0;
    }
    const n = estimator === 'dps' ? '' : `, N = ${flags.mc}`;
    console.log(`guided samples (${estimator}${n}, ${GUIDE_STEPS} Euler steps), ${flags.samples} samples`);
    console.log(`  sliced W2 ${fmt(s.sw2)}   (exact vs exact ${fmt(s.floorSw2)})`);
    console.log(`  MMD       ${fmt(s.mmd)}   (exact vs exact ${fmt(s.floorMmd)})`);
    return 0;
  });
}
