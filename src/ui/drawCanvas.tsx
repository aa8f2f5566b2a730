/**
 * Brush strokes on the flow canvas: in draw mode a drag scatters points along its path, in erase mode it
 * removes them (src/state/drawing.ts). The stroke is shown on a 2-D overlay while it lasts and becomes the
 * experiment's 'points' dataset when the pointer is released (one new session per stroke, not per move).
 */
import { useEffect, useRef } from 'react';
import { pixelToWorld, worldToPixel } from '../state/camera.ts';
import { brushSegment, dab, erase } from '../state/drawing.ts';
import { pointsSchema } from '../train/config.ts';
import { drawTool, useDrawTool } from './drawTool.ts';
import { store } from './store.ts';

/** The points the config holds now when its dataset is 'points'; otherwise none. */
export function currentPoints(): number[] {
  const c = store.getState().config;
  return c.dataset === 'points' && c.points ? c.points.xy : [];
}

/** Replaces the experiment's dataset by these points (or falls back to 8 gaussians when none are left). */
export function commitPoints(xy: number[]): void {
  const { setConfig, notify } = store.getState();
  if (xy.length === 0) {
    setConfig((c) => ({ ...c, dataset: '8gaussians', points: undefined }));
    notify(
      'info',
      'No points left: the dataset is back to 8 Gaussians. Draw or load points to use your own.',
    );
    return;
  }
  setConfig((c) => ({
    ...c,
    dataset: 'points',
    points: { xy, jitter: c.points?.jitter ?? pointsSchema.shape.jitter.parse(undefined) },
  }));
}

export function strokeHandlers(canvas: HTMLCanvasElement) {
  let last: [number, number] | null = null;
  const world = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    const v = { width: canvas.clientWidth, height: canvas.clientHeight };
    return pixelToWorld(store.getState().view.camera, v, e.clientX - r.left, e.clientY - r.top);
  };
  const radius = () => {
    const c = store.getState().view.camera;
    return (drawTool.getState().brush * 2 * c.halfHeight) / Math.max(1, canvas.clientHeight);
  };
  const apply = (p: [number, number], first: boolean) => {
    const { mode, draft } = drawTool.getState();
    const xy = draft ?? currentPoints().slice();
    if (mode === 'erase') drawTool.setState({ draft: erase(xy, p, radius()) });
    else {
      if (first) dab(xy, p, radius());
      else last = brushSegment(xy, last!, p, radius());
      drawTool.setState({ draft: xy.slice() });
      return;
    }
  };
  return {
    active: () => drawTool.getState().mode !== 'off',
    /** True when the event starts a stroke (draw or erase mode). */
    down(e: PointerEvent): boolean {
      if (drawTool.getState().mode === 'off') return false;
      last = world(e);
      apply(last, true);
      return true;
    },
    move(e: PointerEvent): boolean {
      if (drawTool.getState().mode === 'off') return false;
      if (last === null) return true;
      const p = world(e);
      if (drawTool.getState().mode === 'erase') last = p;
      apply(p, false);
      return true;
    },
    up(): void {
      const { draft } = drawTool.getState();
      last = null;
      if (draft === null) return;
      drawTool.setState({ draft: null });
      commitPoints(draft);
    },
  };
}

/** The stroke in progress, drawn over the GPU canvas (the worker draws the committed set). */
export function DrawOverlay() {
  const ref = useRef<HTMLCanvasElement>(null);
  const draft = useDrawTool((s) => s.draft);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const w = el.clientWidth;
    const h = el.clientHeight;
    el.width = w;
    el.height = h;
    const g = el.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, w, h);
    if (!draft) return;
    g.fillStyle = 'rgba(71, 85, 105, 0.7)';
    const cam = store.getState().view.camera;
    for (let i = 0; i + 1 < draft.length; i += 2) {
      const [px, py] = worldToPixel(cam, { width: w, height: h }, draft[i], draft[i + 1]);
      g.fillRect(px - 1.5, py - 1.5, 3, 3);
    }
  }, [draft]);
  return <canvas ref={ref} className="draw-overlay" aria-hidden="true" />;
}
