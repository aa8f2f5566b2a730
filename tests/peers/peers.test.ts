// Each peer's step on the real WebGPU adapter: its first loss against the float64 reference, and its
// parameters after one Adam step against our step graph run in float64 (evalCpu). With Adam's first
// step each parameter moves by about -lr * sign(g), so this checks every gradient's sign and the
// update; coordinates whose float64 gradient is tiny (where f32 noise may flip the sign) are excused.
import { describe, expect, it } from 'vitest';
import { evalCpu } from '../../src/autodiff/index.ts';
import { installNodeGpu } from '../../bench/peers/gpuSetup.ts';
import { jaxPeer } from '../../bench/peers/jaxPeer.ts';
import { tfPeer } from '../../bench/peers/tfPeer.ts';
import { buildStepGraph, parameterNames } from '../../bench/peers/ourGraph.ts';
import { ADAM, initialWeights, makeBatch, type StepKind } from '../../bench/peers/problem.ts';
import { referenceLoss, relativeError, toNet64 } from '../../bench/peers/reference.ts';
import type { Implementation } from '../../bench/peers/step.ts';

const weights = initialWeights();
const batch = makeBatch(16, 5);

/** Float64 parameters and gradients after one step, from our graph. */
function float64Step(kind: StepKind) {
  const g = buildStepGraph(kind, batch, weights);
  const names = parameterNames(weights.length);
  const pick = (prefix: string) => names.map((n) => g.updates.find((u) => u.input === prefix + n)!.value);
  const out = evalCpu([...pick(''), ...pick('adam.m.')], g.feeds, { seed: 0, step: 0 });
  const n = names.length;
  return { params: out.slice(0, n), grads: out.slice(n).map((m) => m.map((x) => x / (1 - ADAM.beta1))) };
}

async function checkPeer(impl: Implementation, kind: StepKind) {
  console.log((await installNodeGpu()).line);
  const step = await impl.makeStep(kind, batch, weights);
  try {
    await step.run();
    const loss = await step.loss();
    expect(relativeError(loss, referenceLoss(kind, toNet64(weights), batch))).toBeLessThan(1e-4);
    const got = (await step.parameters!()).flatMap((w) => [w.weight, w.bias]);
    const want = float64Step(kind);
    const gmax = Math.max(...want.grads.map((g) => Math.max(...g.map(Math.abs))));
    let checked = 0;
    let total = 0;
    got.forEach((p, j) => {
      for (let i = 0; i < p.length; i++) {
        total++;
        if (Math.abs(want.grads[j][i]) < 1e-4 * gmax) continue;
        checked++;
        if (Math.abs(p[i] - want.params[j][i]) > 2e-6) {
          throw new Error(
            `${impl.name} ${kind}: parameter ${j}[${i}] = ${p[i]}, float64 step gives ${want.params[j][i]}`,
          );
        }
      }
    });
    console.log(`${impl.name} ${kind}: ${checked} of ${total} parameters checked`);
    expect(checked / total).toBeGreaterThan(0.5);
  } finally {
    step.dispose();
  }
}

describe('peer steps on WebGPU match the float64 step', () => {
  it('jax-js Flow Matching', () => checkPeer(jaxPeer, 'fm'));
  it('jax-js MeanFlow (jvp inside grad, target stop-gradient)', () => checkPeer(jaxPeer, 'meanflow'));
  it('jax-js TVM (gradient through the jvp)', () => checkPeer(jaxPeer, 'tvm'));
  it('TF.js Flow Matching', () => checkPeer(tfPeer, 'fm'));
  it('TF.js declines the JVP steps with a reason', async () => {
    expect(tfPeer.unsupported('meanflow')).toMatch(/forward-mode/);
    await expect(tfPeer.makeStep('tvm', batch, weights)).rejects.toThrow(/JVP/);
  });
});
