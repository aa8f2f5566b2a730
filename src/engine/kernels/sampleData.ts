/**
 * Dataset samples drawn on the device: the toy datasets (shaders/sampleData.wgsl; float64 twin
 * src/engine/cpu/sampleData.ts) and registered point sets (shaders/samplePoints.wgsl; twin
 * src/engine/cpu/pointsData.ts), whose points are uploaded once per runtime and kept.
 */
import code from '../../../shaders/sampleData.wgsl?raw';
import pointsCode from '../../../shaders/samplePoints.wgsl?raw';
import { datasetId, labellingOf } from '../cpu/sampleData.ts';
import { pointsDataset } from '../cpu/pointsData.ts';
import type { Dispatch, Runtime, View } from '../runtime.ts';
import { ceilDiv, grid, need } from './common.ts';

export const SAMPLE_DATA = { name: 'sampleData', code };
export const SAMPLE_POINTS = { name: 'samplePoints', code: pointsCode };
const WG = 64;

export interface SampleDataArgs {
  /** [n, 2] output ([n, classes] one-hot with `labels`). */
  out: View;
  /** A labelling of the dataset (LABELLINGS): write the one-hot class labels of the same samples instead. */
  labels?: string;
  n: number;
  /** A dataset name (DATASET_IDS) or a registered point set; unknown names throw UnknownDatasetError. */
  dataset: string;
  seed: number;
  stream: number;
  /** [1] f32: the step counter (Philox counter word 1), read on the device so a replayed dispatch advances. */
  step: View;
}

/** Each runtime's uploaded point sets, by dataset name (a set is immutable: its name is its content). */
const uploaded = new WeakMap<Runtime, Map<string, View>>();

function pointsView(rt: Runtime, name: string, xy: Float32Array): View {
  let views = uploaded.get(rt);
  if (!views) uploaded.set(rt, (views = new Map()));
  let v = views.get(name);
  if (!v) views.set(name, (v = rt.upload(xy)));
  return v;
}

export function sampleDataDispatch(rt: Runtime, args: SampleDataArgs): Dispatch {
  const { n } = args;
  const set = pointsDataset(args.dataset);
  if (set) {
    if (args.labels !== undefined)
      throw new Error(
        `sampleData: a drawn or loaded point set has no class labels (labels '${args.labels}')`,
      );
    need('sampleData', 'out', args.out, 2 * n);
    need('sampleData', 'step', args.step, 1);
    const pipeline = rt.pipeline(SAMPLE_POINTS, 3, true, { WG });
    const words = new Uint32Array([n, args.seed >>> 0, args.stream >>> 0, set.xy.length / 2, 0, 0, 0, 0]);
    new Float32Array(words.buffer).set([set.jitter], 4);
    const uniform = rt.uniform(words);
    const label = `samplePoints ${set.xy.length / 2} points n=${n}`;
    const points = pointsView(rt, set.name, set.xy);
    return {
      label,
      pipeline,
      bindGroup: rt.bindGroup(label, pipeline, [args.step, points, args.out], uniform),
      workgroups: grid(ceilDiv(n, WG)),
      uniform,
    };
  }
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
