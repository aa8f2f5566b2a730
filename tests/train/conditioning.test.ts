/** Class conditioning: the exact guided field, label dropout, and labelled configs that stay backward compatible. */
import { describe, expect, it } from 'vitest';
import { evalCpu, graphInputs, input, topoSort, Prim } from '../../src/autodiff/index.ts';
import {
  eightGaussians,
  guidedVelocityAt,
  gmmVelocityAt,
  mixtureClasses,
  oneHot,
  sampleClassReference,
  sampleLabelsCpu,
} from '../../src/data/index.ts';
import { methodById } from '../../src/methods/index.ts';
import { analyticTeacherFor } from '../../src/train/analyticTeacher.ts';
import { DROPOUT_STREAM, dropLabels } from '../../src/train/conditioning.ts';
import { ConfigError, resolveExperiment } from '../../src/train/config.ts';
import { networkSpec } from '../../src/train/networks.ts';
import { buildStageGraph } from '../../src/train/stageGraph.ts';
import { guidedAnalyticVelocity } from '../../src/train/conditioning.ts';

const cpu = { seed: 5, step: 0 };

describe('the exact class-conditional field of 8 gaussians', () => {
  const gmm = eightGaussians();
  const n = 9;
  const zv = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(1.3 * i + 0.2) * 3);
  const tv = Float64Array.from({ length: n }, (_, i) => 0.02 + (0.96 * i) / (n - 1));
  for (const labelling of ['groups', 'modes']) {
    it(`${labelling}: guided graph = u + w (u_c - u) in float64 for w in 0, 1, 3; the null class is unconditional`, () => {
      const teacher = analyticTeacherFor('8gaussians', labelling);
      const classes = mixtureClasses('8gaussians', labelling)!;
      const k = Math.max(...classes) + 1;
      const labels = Int32Array.from({ length: n }, (_, i) => i % k);
      const c = oneHot(labels, k);
      for (const w of [0, 1, 3]) {
        const u = guidedAnalyticVelocity(
          teacher.conditional!,
          teacher.velocity,
          input('c', [n, k]),
          w,
        )(input('z', [n, 2]), input('t', [n, 1]));
        const [got] = evalCpu([u], { ...teacher.feeds, z: zv, t: tv, c }, cpu);
        for (let i = 0; i < n; i++) {
          const want = guidedVelocityAt(gmm, classes, labels[i], w, zv[2 * i], zv[2 * i + 1], tv[i]);
          expect(got[2 * i]).toBeCloseTo(want[0], 8);
          expect(got[2 * i + 1]).toBeCloseTo(want[1], 8);
        }
      }
      const cond = teacher.conditional!(input('z', [n, 2]), input('t', [n, 1]), input('c', [n, k]));
      const [nul] = evalCpu([cond], { ...teacher.feeds, z: zv, t: tv, c: new Float64Array(n * k) }, cpu);
      for (let i = 0; i < n; i++)
        expect(nul[2 * i]).toBeCloseTo(gmmVelocityAt(gmm, zv[2 * i], zv[2 * i + 1], tv[i])[0], 8);
    });
  }

  it('class references hold only their class (groups: the 4 alternate modes)', () => {
    const x = sampleClassReference('8gaussians', 'groups', 1, 500, 3);
    let odd = 0;
    for (let i = 0; i < 500; i++) {
      const mode = (Math.round((Math.atan2(x[2 * i + 1], x[2 * i]) / (2 * Math.PI)) * 8) + 8) % 8;
      odd += mode % 2;
    }
    expect(odd / 500).toBeGreaterThan(0.99); // a 3-sigma tail may sit nearer a neighbouring mode
  });
});

describe('label dropout', () => {
  it('drops a share p of rows to the null class and keeps the others', () => {
    const n = 4000;
    const labels = oneHot(sampleLabelsCpu('moons', 'moons', n, 1, 2, 0), 2);
    const [dropped] = evalCpu([dropLabels(input('c', [n, 2]), 0.1, DROPOUT_STREAM)], { c: labels }, cpu);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const row = [dropped[2 * i], dropped[2 * i + 1]];
      if (row[0] === 0 && row[1] === 0) nulls++;
      else expect(row).toEqual([labels[2 * i], labels[2 * i + 1]]);
    }
    expect(nulls / n).toBeGreaterThan(0.085);
    expect(nulls / n).toBeLessThan(0.115);
  });

  const streams = (t: ReturnType<typeof buildStageGraph>) =>
    topoSort(Object.values(t.updates))
      .filter((node) => node.prim === Prim.Random)
      .map((node) => (node.params as { stream: number }).stream);

  it('the FM teacher stage drops labels; the student of a guided teacher does not, and reads labels with the data', () => {
    const config = resolveExperiment({
      dataset: 'moons',
      method: 'flowmap',
      net: { width: 16, depth: 1 },
      train: { batch: 32 },
      condition: { labels: 'moons', cfg: 2 },
      params: { teacherSteps: 1 },
    });
    const method = methodById('flowmap');
    const [teacherStage, student] = method.stages;
    const t = buildStageGraph(method, config, config.params, teacherStage, {
      teacher: { kind: 'none' },
      samplingEma: 0,
      steps: config.train.steps,
    });
    expect(streams(t)).toContain(DROPOUT_STREAM);
    const s = buildStageGraph(method, config, config.params, student, {
      teacher: { kind: 'network' },
      samplingEma: 0,
      steps: config.train.steps,
    });
    expect(streams(s)).not.toContain(DROPOUT_STREAM);
    const labelLeaves = topoSort(Object.values(s.updates)).filter(
      (node) => node.prim === Prim.SampleData && (node.params as { labels?: string }).labels === 'moons',
    );
    expect(labelLeaves).toHaveLength(1);
    // the student's first layer reads 4 features + 2 classes
    expect(networkSpec(method.networks.net, config)[0].shape).toEqual([16, 6]);
    expect(graphInputs(Object.values(s.updates)).has('teacher.layers.0.weight')).toBe(true);
  });

  it('configs without a condition are unchanged; bad conditions name the fix', () => {
    const plain = resolveExperiment({ method: 'fm', net: { width: 16, depth: 1 } });
    expect(plain.condition).toBeUndefined();
    expect(networkSpec(methodById('fm').networks.net, plain)[0].shape).toEqual([16, 4]);
    expect(() => resolveExperiment({ dataset: 'moons', condition: { labels: 'modes' } })).toThrow(
      ConfigError,
    );
    expect(() => resolveExperiment({ dataset: 'moons', condition: { labels: 'modes' } })).toThrow(/moons/);
    expect(() => resolveExperiment({ dataset: 'swissroll', condition: { labels: 'arms' } })).toThrow(
      /no class labels/,
    );
  });
});
