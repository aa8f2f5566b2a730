/** Toy data: the dataset catalogue, reference samples and exact quantities (densities, GMM velocity). */
export * from './catalogue.ts';
export * from './gmm.ts';
export * from './densities.ts';
export * from './linearPath.ts';
export * from './posterior.ts';
export * from './glass.ts';
export * from './pointsCsv.ts';
