/** Transformations composed beyond reverse-over-forward, on a small MLP, against finite differences. */
import { describe, it } from 'vitest';
import {
  constant,
  grad,
  jvp,
  mean,
  mul,
  square,
  sum,
  type Activation,
  type Tensor,
} from '../../src/autodiff/index.ts';
import { mlp, mlpSpec } from '../../src/nn/index.ts';
import { checkJvp, checkVjp, type FdCase } from './fd.ts';

const B = 3;

function mlpCase(
  act: Activation,
  build: (net: (x: Tensor) => Tensor, x: Tensor) => Tensor,
  name: string,
): FdCase {
  const spec = mlpSpec({ inDim: 2, width: 5, depth: 2, outDim: 2, act });
  return {
    name: `${name} (${act})`,
    inputs: [...spec.map((p) => ({ shape: p.shape })), { shape: [B, 2] }],
    build: (...xs: Tensor[]) => {
      const params = Object.fromEntries(spec.map((p, i) => [p.name, xs[i]]));
      return build((x) => mlp(params, x, act), xs[spec.length]);
    },
  };
}

// reverse over reverse: the gradient of an input-gradient penalty |d sum(net(x)) / dx|^2
const gradPenalty = (net: (x: Tensor) => Tensor, x: Tensor) => mean(square(grad(sum(net(x)), [x])[0]));
// forward over forward: the second directional derivative of the network along a fixed direction
const secondDirectional = (net: (x: Tensor) => Tensor, x: Tensor) => {
  const v = mul(constant(0.7), x); // a direction that itself depends on x
  const inner = (y: Tensor) => jvp(net, [y], [v]).tangents[0]!;
  return jvp(inner, [x], [v]).tangents[0]!;
};

describe('higher-order compositions', () => {
  for (const act of ['silu', 'tanh', 'gelu'] as const) {
    it(`vjp of a gradient penalty (${act})`, () => checkVjp(mlpCase(act, gradPenalty, 'grad penalty'), 21));
    it(`jvp and vjp of a second directional derivative (${act})`, () => {
      const c = mlpCase(act, secondDirectional, 'jvp of jvp');
      checkJvp(c, 22);
      checkVjp(c, 23);
    });
  }
});
