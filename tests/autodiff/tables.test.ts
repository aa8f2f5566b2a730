/** Every primitive has a jvp rule, a vjp rule and a CPU kernel at runtime (the mapped types check it at compile time). */
import { describe, expect, it } from 'vitest';
import { ALL_PRIMS } from '../../src/autodiff/prims.ts';
import { jvpRules } from '../../src/autodiff/jvpRules.ts';
import { vjpRules } from '../../src/autodiff/vjpRules.ts';
import { cpuRules } from '../../src/autodiff/evalCpu.ts';

describe('rule tables', () => {
  it.each(ALL_PRIMS)('%s has a jvp rule, a vjp rule and a CPU kernel', (p) => {
    expect(typeof jvpRules[p]).toBe('function');
    expect(typeof vjpRules[p]).toBe('function');
    expect(typeof cpuRules[p]).toBe('function');
  });
  it('the tables hold nothing but primitives', () => {
    for (const t of [jvpRules, vjpRules, cpuRules])
      expect(Object.keys(t).sort()).toEqual([...ALL_PRIMS].sort());
  });
});
