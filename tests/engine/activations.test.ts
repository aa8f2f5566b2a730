import { describe, expect, it } from 'vitest';
import { activationCpu, type ActivationOrder, type EngineActivation } from '../../src/engine/activations.ts';
import { unaryCpu } from '../../src/engine/cpu/elementwise.ts';
import { unaryDispatch } from '../../src/engine/kernels/elementwise.ts';
import { expectClose, f32, randomArray, testRuntime } from './helpers.ts';

const ACTS: EngineActivation[] = ['identity', 'silu', 'gelu', 'tanh', 'relu', 'sigmoid'];

describe('activations (float64 closed forms)', () => {
  it('each derivative of order 1..3 matches a central finite difference of the order below', () => {
    const h = 1e-5;
    for (const act of ACTS) {
      for (let order = 1 as ActivationOrder; order <= 3; order++) {
        for (const x of [-4.3, -1.7, -0.6, -0.05, 0.07, 0.4, 1.1, 2.9, 6.2]) {
          const fd =
            (activationCpu(x + h, act, (order - 1) as ActivationOrder) -
              activationCpu(x - h, act, (order - 1) as ActivationOrder)) /
            (2 * h);
          expect(Math.abs(activationCpu(x, act, order) - fd), `${act}^(${order})(${x})`).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('gelu is the tanh approximation (torch GELU(approximate="tanh") values)', () => {
    expect(activationCpu(1, 'gelu')).toBeCloseTo(0.8411919906, 9);
    expect(activationCpu(-0.5, 'gelu')).toBeCloseTo(-0.1542859, 6);
  });
});

describe('activations on the GPU (unary kernel) vs float64', () => {
  it('every activation and order, including large |x|', async () => {
    const rt = await testRuntime();
    const n = 1000;
    const x = randomArray(n, 11, 6);
    x.set([-100, -30, -12, 0, 12, 30, 100], 0);
    const [vx, vy] = rt.arena([n, n]);
    rt.upload(f32(x), vx);
    for (const act of ACTS) {
      for (let order = 0 as ActivationOrder; order <= 3; order++) {
        rt.submit([unaryDispatch(rt, { x: vx, y: vy, n, fn: { act, order } })]);
        const y = new Float64Array(n);
        unaryCpu({ x, y, n, fn: { act, order } });
        const mag = x.map((v) => 1 + Math.abs(v) * (act === 'identity' || act === 'relu' ? 1 : 0.2));
        expectClose(await rt.read(vy), y, { mag, rel: 3e-6, what: `${act}^(${order})` });
      }
    }
  });
});
