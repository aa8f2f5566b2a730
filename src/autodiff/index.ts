/** The graph layer: primitives, ops, transformations (jvp, vjp) and the float64 CPU executor. */
export * from './prims.ts';
export * from './graph.ts';
export * from './ops.ts';
export * from './errors.ts';
export { jvp, jvpOfGraph, type JvpResult, type JvpRule } from './jvp.ts';
export { vjp, grad, valueAndGrad, gradFn, NotScalarError, type VjpRule } from './vjp.ts';
export { zeros, unbroadcast } from './symbolic.ts';
export { evalCpu, type CpuContext } from './evalCpu.ts';
export { printGraph, countNodes } from './print.ts';
