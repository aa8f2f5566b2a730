import { describe, expect, it } from 'vitest';
import { evalCpu, grad, input, sum, mul } from '../../src/autodiff/index.ts';
import { eightGaussians, gmm3, gmmVelocity } from '../../src/data/index.ts';
import { analyticTeacher, analyticTeacherFor } from '../../src/train/analyticTeacher.ts';
import { TeacherUnavailableError } from '../../src/train/errors.ts';

describe('analytic teacher graph', () => {
  const gmm = eightGaussians();
  const teacher = analyticTeacher(gmm);
  const n = 7;
  const zv = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(1.7 * i) * 3);
  const tv = Float64Array.from([0.001, 0.05, 0.2, 0.5, 0.8, 0.97, 1]);
  const z = input('z', [n, 2]);
  const t = input('t', [n, 1]);
  const u = teacher.velocity(z, t);

  it('equals the float64 closed form of src/data at every (z, t), including t near 0 and 1', () => {
    const [got] = evalCpu([u], { ...teacher.feeds, z: zv, t: tv }, { seed: 0, step: 0 });
    const want = gmmVelocity(gmm, zv, tv);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
  });

  it('has the gradient in z of central finite differences (FreeFlow differentiates through the teacher input)', () => {
    const w = Float64Array.from({ length: 2 * n }, (_, i) => Math.cos(i));
    const loss = sum(mul(u, input('w', [n, 2])));
    const [gz] = grad(loss, [z]);
    const feeds = { ...teacher.feeds, z: zv, t: tv, w };
    const [g] = evalCpu([gz], feeds, { seed: 0, step: 0 });
    const f = (zz: Float64Array) => evalCpu([loss], { ...feeds, z: zz }, { seed: 0, step: 0 })[0][0];
    const h = 1e-6;
    for (let i = 0; i < 2 * (n - 1); i++) {
      const p = zv.slice();
      const m = zv.slice();
      p[i] += h;
      m[i] -= h;
      expect(g[i]).toBeCloseTo((f(p) - f(m)) / (2 * h), 5);
    }
  });

  it('exists for every isotropic Gaussian-mixture dataset (gmm3 too) with its exact velocity', () => {
    const g3 = analyticTeacherFor('gmm3');
    const [got] = evalCpu([g3.velocity(z, t)], { ...g3.feeds, z: zv, t: tv }, { seed: 0, step: 0 });
    const want = gmmVelocity(gmm3(), zv, tv);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
  });

  it('refuses datasets without a closed form, saying to train a teacher', () => {
    expect(() => analyticTeacherFor('moons')).toThrow(TeacherUnavailableError);
    expect(() => analyticTeacherFor('moons')).toThrow(/teacher.source/);
  });
});
