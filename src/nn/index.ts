/** Networks: PyTorch-compatible parameters, the MLP, the flow network F(x, t, s), EMA. */
export * from './params.ts';
export * from './mlp.ts';
export * from './flowNet.ts';
