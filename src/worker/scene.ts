/**
 * What to draw this frame, as layers over GPU buffers: data, the flow's paths (teacher ODE and student jumps),
 * the velocity field F(x, t, s), model samples, and the animated flow. Colours are part of the design: data in
 * slate, the model in coral, the teacher in blue, the field in ink.
 */
import type { PointSet, TrainingSession } from '../train/session.ts';
import type { ViewSettings } from '../state/viewSettings.ts';
import { hasTeacher } from '../state/methods.ts';
import type { ClassLabels, Layer, Rgba } from './renderer.ts';

export const COLORS = {
  background: [0.985, 0.983, 0.975, 1] as Rgba,
  data: [0.34, 0.4, 0.5, 0.32] as Rgba,
  /** a labelled run's data: the class palette (src/state/palette.ts) at this alpha */
  labelledData: [0.34, 0.4, 0.5, 0.6] as Rgba,
  samples: [0.91, 0.33, 0.18, 0.55] as Rgba,
  studentPaths: [0.62, 0.16, 0.06, 0.4] as Rgba,
  teacherPaths: [0.16, 0.42, 0.82, 0.4] as Rgba,
  teacherSamples: [0.16, 0.42, 0.82, 0.45] as Rgba,
  field: [0.12, 0.16, 0.24, 0.85] as Rgba,
  flow: [0.8, 0.2, 0.1, 0.8] as Rgba,
};

/** Paths drawn at once: enough to see the flow, few enough to read it. */
const PATHS = 128;
const FIELD_GRID = 21;

export interface SceneInput {
  view: ViewSettings;
  box: [number, number, number, number];
  /** the data layer: fresh samples once per session and size (a cloud that changed every frame would shimmer) */
  data: () => PointSet;
  /** a labelled run: the one-hot classes of the same data points (they take the class palette) */
  labels?: () => ClassLabels | null;
  session: TrainingSession | null;
  /** animation time in [0, 1] */
  tau: number;
  /** true once the session's model has been trained for at least one step */
  trained: boolean;
}

function pathLayer(set: PointSet, color: Rgba, paths: number): Layer | null {
  const pathLength = Math.round(set.count / paths);
  return pathLength >= 2 ? { kind: 'paths', set, color, size: 1.25, pathLength } : null;
}

export function sceneLayers(s: SceneInput): Layer[] {
  const { view, session } = s;
  const layers: (Layer | null)[] = [];
  const withTeacher = session?.stage === 'student' && hasTeacher(session.config);
  const size = view.points > 8000 ? 2 : 3;
  if (view.data) {
    const set = s.data();
    const labels = s.labels?.() ?? undefined;
    layers.push(
      labels
        ? { kind: 'points', set, color: COLORS.labelledData, size, labels, highlight: view.sampleClass ?? -1 }
        : { kind: 'points', set, color: COLORS.data, size },
    );
  }
  if (session && s.trained) {
    // model samples under the paths and arrows, so that the flow reads on top of the cloud
    if (view.samples && !view.animate)
      layers.push({
        kind: 'points',
        set: session.samples(view.nfe, view.points),
        color: COLORS.samples,
        size,
      });
    if (view.teacherSamples)
      layers.push({
        kind: 'points',
        set: session.samples('teacher', view.points),
        color: COLORS.teacherSamples,
        size,
      });
    if (view.teacherPaths && withTeacher)
      layers.push(pathLayer(session.trajectories('teacher', PATHS), COLORS.teacherPaths, PATHS));
    if (view.paths) layers.push(pathLayer(session.trajectories(view.nfe, PATHS), COLORS.studentPaths, PATHS));
    if (view.field) {
      const span = Math.max(s.box[2] - s.box[0], s.box[3] - s.box[1]) / FIELD_GRID;
      layers.push({
        kind: 'arrows',
        set: session.field(view.fieldT, view.fieldS, FIELD_GRID, s.box),
        color: COLORS.field,
        size: 1.5,
        grid: FIELD_GRID,
        box: s.box,
        // arrows show where the map jumps, x -> f(x, t, s) = x + (s - t) F: against F when s < t (toward data)
        scale: 0.3 * span * (view.fieldS < view.fieldT ? -1 : 1),
      });
    }
    if (view.animate) {
      const set = session.trajectories(view.nfe, view.points);
      const pathLength = Math.round(set.count / view.points);
      if (pathLength >= 2)
        layers.push({ kind: 'flow', set, color: COLORS.flow, size, pathLength, tau: s.tau });
    }
  }
  return layers.filter((l): l is Layer => l !== null);
}
