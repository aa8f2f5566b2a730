/** Misuse gives named errors; edge cases of the transformations. */
import { describe, expect, it } from 'vitest';
import {
  activation,
  constant,
  DerivativeOrderError,
  evalCpu,
  grad,
  input,
  jvp,
  mul,
  NotScalarError,
  sum,
  TangentShapeError,
  vjp,
} from '../../src/autodiff/index.ts';

const CTX = { seed: 0, step: 0 };

describe('transformation errors and edge cases', () => {
  it('a fourth derivative of a smooth activation is a named error; relu and identity are zero', () => {
    const x = input('x', [2]);
    expect(() => jvp((a) => activation(a, 'silu', 3), [x], [input('v', [2])])).toThrow(DerivativeOrderError);
    expect(jvp((a) => activation(a, 'relu', 3), [x], [input('v', [2])]).tangents).toEqual([null]);
    expect(grad(sum(activation(x, 'identity', 2)), [x])[0].node.inputs[0].node.prim).toBe('constant');
  });

  it('a tangent of the wrong shape is a named error', () => {
    const x = input('x', [2, 3]);
    expect(() => jvp((a) => mul(a, 2), [x], [input('v', [3, 2])])).toThrow(TangentShapeError);
    expect(() => jvp((a) => mul(a, 2), [x], [])).toThrow(/one tangent/);
  });

  it('grad of a non-scalar is a named error', () => {
    const x = input('x', [2]);
    expect(() => grad(mul(x, x), [x])).toThrow(NotScalarError);
  });

  it('a wrt without a path to the loss gets zeros of its shape', () => {
    const [x, y] = [input('x', [2]), input('y', [3, 2])];
    const [gx, gy] = grad(sum(mul(x, x)), [x, y]);
    const [a, b] = evalCpu([gx, gy], { x: Float64Array.of(1, -2) }, CTX);
    expect(Array.from(a)).toEqual([2, -4]);
    expect(b.length).toBe(6);
    expect(Array.from(b).every((v) => v === 0)).toBe(true);
  });

  it('a tensor used twice accumulates both cotangents; an intermediate can be a wrt', () => {
    const x = input('x', [3]);
    const h = mul(x, 3);
    const loss = sum(mul(h, h)); // d/dh = 2h, d/dx = 18 x
    const [gh, gx] = vjp([loss], [constant(1)], [h, x]);
    const [a, b] = evalCpu([gh, gx], { x: Float64Array.of(1, 2, 3) }, CTX);
    expect(Array.from(a)).toEqual([6, 12, 18]);
    expect(Array.from(b)).toEqual([18, 36, 54]);
  });

  it('seeding the same primal twice adds the tangents', () => {
    const x = input('x', [2]);
    const { tangents } = jvp((a, b) => mul(a, b), [x, x], [input('u', [2]), input('w', [2])]);
    const [t] = evalCpu(
      [tangents[0]!],
      { x: Float64Array.of(1, 2), u: Float64Array.of(1, 0), w: Float64Array.of(0, 1) },
      CTX,
    );
    expect(Array.from(t)).toEqual([2, 4]); // x x with x' = u + w: 2 x (u + w)
  });
});
