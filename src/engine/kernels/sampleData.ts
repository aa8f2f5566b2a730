/** Toy dataset samples drawn on the device (shaders/sampleData.wgsl); float64 twin: src/engine/cpu/sampleData.ts. */
import code from '../../../shaders/sampleData.wgsl?raw';
import { datasetId, labellingOf } from '../cpu/sampleData.ts';
import type { Dispatch, Runtime, View } from '../runtime.ts';
import { ceilDiv, grid, need } from './common.ts';

export const SAMPLE_DATA = { name: 'sampleData', code };
const WG = 64;

export interface SampleDataArgs {
  /** [n, 2] output ([n, classes] one-hot with `labels`). */
  out: View;
  /** A labelling of the dataset (LABELLINGS): write the one-hot class labels of the same samples instead. */
  labels?: string;
  n: number;
  /** A dataset name (DATASET_IDS); unknown names throw UnknownDatasetError. */
  dataset: string;
  seed: number;
  stream: number;
  /** [1] f32: the step counter (Philox counter word 1), read on the device so a replayed dispatch advances. */
  step: View;
}

export function sampleDataDispatch(rt: Runtime, args: SampleDataArgs): Dispatch {
  const { n } = args;
  const id = datasetId(args.dataset);
  const lab = args.labels === undefined ? null : labellingOf(args.dataset, args.labels);
  need('sampleData', 'out', args.out, (lab ? lab.classes : 2) * n);
  need('sampleData', 'step', args.step, 1);
  const overrides: Record<string, number> = { DATASET: id, WG };
  if (lab) Object.assign(overrides, { LABELS: lab.id, CLASSES: lab.classes });
  const pipeline = rt.pipeline(SAMPLE_DATA, 2, true, overrides);
  const uniform = rt.uniform(new Uint32Array([n, args.seed >>> 0, args.stream >>> 0, 0]));
  const label = `sampleData ${args.dataset}${lab ? ` labels ${args.labels}` : ''} n=${n}`;
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, [args.step, args.out], uniform),
    workgroups: grid(ceilDiv(n, WG)),
    uniform,
  };
}
