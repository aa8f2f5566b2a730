/** jvp and vjp of the broadcasting and reducing primitives on seeded random shapes. */
import { describe, it } from 'vitest';
import * as op from '../../src/autodiff/ops.ts';
import type { BinaryOp, Shape } from '../../src/autodiff/prims.ts';
import { checkJvp, checkVjp, rng, type FdCase } from './fd.ts';

const r = rng(2024);
const pick = (n: number) => Math.floor(r() * n);

/** n operand shapes that broadcast to one random output shape (dims dropped or set to 1). */
function broadcastOperands(n: number): Shape[] {
  const out = Array.from({ length: 1 + pick(3) }, () => 2 + pick(3));
  const operand = () => {
    const keep = out.slice(pick(out.length + 1));
    return keep.map((d) => (r() < 0.35 ? 1 : d));
  };
  return Array.from({ length: n }, operand);
}

const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min'];
const cases: FdCase[] = [];
for (const b of BINARY) {
  for (let k = 0; k < 4; k++) {
    const [sa, sb] = broadcastOperands(2);
    cases.push({
      name: `${b} [${sa}] [${sb}]`,
      inputs: [{ shape: sa }, { shape: sb, positive: b === 'div' }],
      build: (x, y) => op.binary(b, x, y),
    });
  }
}
for (let k = 0; k < 4; k++) {
  const [sc, sa, sb] = broadcastOperands(3);
  cases.push({
    name: `select [${sc}] [${sa}] [${sb}]`,
    inputs: [{ shape: sc }, { shape: sa }, { shape: sb }],
    build: (c, x, y) => op.select(op.greater(c, 0), x, y),
  });
}
for (let k = 0; k < 6; k++) {
  const shape = Array.from({ length: 1 + pick(3) }, () => 1 + pick(4));
  const axes = shape.map((_, i) => i).filter(() => r() < 0.5);
  const keep = r() < 0.5;
  cases.push({
    name: `sum [${shape}] axes [${axes}] keep=${keep}`,
    inputs: [{ shape }],
    build: (x) => op.sum(x, axes, keep),
  });
  cases.push({
    name: `max [${shape}] axes [${axes}] keep=${keep}`,
    inputs: [{ shape }],
    build: (x) => op.max(x, axes, keep),
  });
}

describe('random shapes', () => {
  for (const c of cases) it(c.name, () => (checkJvp(c, 31), checkVjp(c, 32)));
});
