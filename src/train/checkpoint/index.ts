/** Checkpoints: the safetensors format and FlowMap Lab's use of it (parameters + experiment config). */
export * from './checkpoint.ts';
export * from './errors.ts';
export * from './halfFloat.ts';
export * from './safetensors.ts';
export * from './history.ts';
