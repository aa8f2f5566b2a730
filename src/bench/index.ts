/** The benchmark's sections, run in this order by `npm run bench`. Add a section by appending it here. */
import { dispatchSection } from './dispatchSection.ts';
import { matmulSection } from './matmulSection.ts';
import { stepSection } from './stepSection.ts';
import type { BenchSection } from './types.ts';

export * from './types.ts';
export * from './timing.ts';

export const BENCH_SECTIONS: BenchSection[] = [dispatchSection, matmulSection, stepSection];
