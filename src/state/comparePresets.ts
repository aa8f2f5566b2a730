/**
 * Classroom comparisons: compare links (src/state/compareUrl.ts) that open compare mode, each with two lines
 * that say what to look at; and a drawn letter to distil (a points dataset the single page opens, where the
 * brush can redraw it).
 */
import { resolveExperiment, type ExperimentInput } from '../train/config.ts';
import { encodeCompare, memberDefault } from './compareUrl.ts';
import { quantizePoints } from './datasetUrl.ts';

export interface ComparePreset {
  id: string;
  title: string;
  lines: [string, string];
  /** The compare link's hash (without '#'). */
  hash: string;
}

/** A playground-sized shared experiment: small enough to watch several members learn at once. */
const SHARED: ExperimentInput = {
  seed: 1,
  net: { width: 64, depth: 3 },
  train: { steps: 3000, batch: 512, lr: 2e-3 },
  teacher: { source: 'analytic', steps: 2000 },
};

function compareHash(base: ExperimentInput, entries: string[], nfe: number): string {
  const b = resolveExperiment({ ...SHARED, ...base });
  const members = entries.map((entry) => ({ entry, config: memberDefault(entry, b)! }));
  return encodeCompare({ base: b, members, nfe, hide: [] }).hash;
}

/** Points along the strokes of a capital A (three strokes, 600 points), in data units. */
export function letterA(): number[] {
  const xy: number[] = [];
  const stroke = (x0: number, y0: number, x1: number, y1: number, n: number) => {
    for (let i = 0; i < n; i++) xy.push(x0 + ((x1 - x0) * i) / (n - 1), y0 + ((y1 - y0) * i) / (n - 1));
  };
  stroke(-2.4, -3, 0, 3, 240);
  stroke(0, 3, 2.4, -3, 240);
  stroke(-1.2, 0, 1.2, 0, 120);
  return quantizePoints(xy);
}

export const COMPARE_PRESETS: readonly ComparePreset[] = [
  {
    id: 'compare-one-step',
    title: 'One step: MeanFlow vs TVM vs FreeFlow',
    lines: [
      'Three one-step generators learn the same eight Gaussians with the same seed and evaluation noise.',
      'Watch grid TV at NFE 1 in the overlaid plot: which reaches the data floor first, by step and by second?',
    ],
    hash: compareHash({ dataset: '8gaussians' }, ['meanflow-2d', 'tvm', 'freeflow'], 1),
  },
  {
    id: 'compare-distillation',
    title: 'Trajectory distillation vs Lagrangian self-distillation',
    lines: [
      'Left, a flow map distils the exact teacher along its ODE; right, one learns its own flow with no teacher.',
      'Compare quality vs NFE: distillation inherits the teacher, self-distillation pays no teacher cost.',
    ],
    hash: compareHash({ dataset: '8gaussians' }, ['flowmap-analytic', 'flowmap-lsd'], 2),
  },
];

/** "Draw a letter and distil it": a flow map distilled from a Flow Matching teacher trained on a drawn A. */
export const LETTER_PRESET_CONFIG: ExperimentInput = {
  method: 'flowmap',
  dataset: 'points',
  points: { xy: letterA(), jitter: 0.08 },
  seed: 1,
  net: { width: 128, depth: 3 },
  teacher: { source: 'train', steps: 3000 },
  params: { variant: 'trajectory' },
};
