/** Named errors of the graph transformations and the CPU executor. Each message says what to do. */
import type { Prim } from './prims.ts';

export class NotDifferentiableError extends Error {
  override name = 'NotDifferentiableError';
  constructor(prim: Prim, detail: string) {
    super(
      `${prim} is not differentiable (${detail}). Wrap the value in stopGradient() before it reaches a ` +
        'differentiated output, or leave it out of the jvp/vjp.',
    );
  }
}

export class DerivativeOrderError extends Error {
  override name = 'DerivativeOrderError';
  constructor(act: string, order: number) {
    super(
      `the derivative of order ${order} of activation ${act} is not a primitive (orders 0..3 are). ` +
        'Differentiate at most three times through an activation, or use identity/relu, whose higher derivatives vanish.',
    );
  }
}

export class MissingFeedError extends Error {
  override name = 'MissingFeedError';
  constructor(name: string, expected: number, got?: number) {
    super(
      got === undefined
        ? `input '${name}' has no feed: pass feeds['${name}'] as a Float64Array of ${expected} values (row-major)`
        : `input '${name}' was fed ${got} values but its shape holds ${expected}: feed a row-major Float64Array of ${expected}`,
    );
  }
}

export class TangentShapeError extends Error {
  override name = 'TangentShapeError';
  constructor(i: number, primal: readonly number[], tangent: readonly number[]) {
    super(
      `tangent ${i} has shape [${tangent}] but its primal has [${primal}]: give a tangent of the primal's shape ` +
        '(or null for a zero tangent)',
    );
  }
}
