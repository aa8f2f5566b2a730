/** Sample-quality metrics (pure CPU, float64): grid TV, energy distance, MMD, sliced W2, and the data floor. */
export * from './evaluate.ts';
export * from './gridTv.ts';
export * from './kernelDistances.ts';
export * from './slicedWasserstein.ts';
export * from './samples.ts';
export * from './modeCoverage.ts';
export * from './support.ts';
