import { describe, expect, it } from 'vitest';
import { dense, denseJvp, input, printGraph, sum } from '../../src/autodiff/index.ts';

const build = () => {
  const x = input('x', [4, 2]);
  const w = input('layers.0.weight', [3, 2]);
  const b = input('layers.0.bias', [3]);
  const [y, yd] = denseJvp(x, input('v', [4, 2]), w, b, 'silu');
  return [sum(dense(y, input('w1', [2, 3]), input('b1', [2]), 'identity')), yd];
};

describe('printGraph', () => {
  it('is stable: the same graph built twice prints the same, renumbered from 0', () => {
    const a = printGraph(build());
    expect(printGraph(build())).toBe(a);
    expect(a).toBe(
      [
        '%0 = input{name=x} -> [4,2]',
        '%1 = input{name=v} -> [4,2]',
        '%2 = input{name=layers.0.weight} -> [3,2]',
        '%3 = input{name=layers.0.bias} -> [3]',
        '%4 = denseJvp{act=silu}(%0, %1, %2, %3) -> [4,3] [4,3]',
        '%5 = input{name=w1} -> [2,3]',
        '%6 = input{name=b1} -> [2]',
        '%7 = dense{act=identity}(%4.0, %5, %6) -> [4,2]',
        '%8 = reduceSum{axes=[0,1],keepDims=false}(%7) -> []',
        'outputs: %8, %4.1',
      ].join('\n'),
    );
  });
});
