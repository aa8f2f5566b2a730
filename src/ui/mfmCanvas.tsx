/**
 * The canvas side of the Meta Flow Maps views. In posterior mode a click or drag sets the point x_t whose
 * posterior p(x_0 | x_t) the worker draws; in reward mode a drag near the arrow's tip sets the direction a
 * of r(x) = log N(y; a . x, sigma^2), and a drag anywhere else moves the line a . x = y through the pointer
 * (y = a . p). The point, the arrow (from the origin to a) and the line are drawn on a 2-D overlay.
 */
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { pixelToWorld, worldToPixel, viewBox, type Camera, type Viewport } from '../state/camera.ts';
import type { ViewSettings } from '../state/viewSettings.ts';
import { store, usePlayground } from './store.ts';

export type MfmTool = 'pan' | 'posterior' | 'reward';

export const mfmTool = createStore<{ tool: MfmTool }>()(() => ({ tool: 'pan' }));

export const useMfmTool = () => useStore(mfmTool, (s) => s.tool);

/** A press this close (pixels) to the arrow's tip drags the direction a; elsewhere it moves the line. */
const TIP_GRAB_PX = 18;

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Pointer handlers for the flow canvas; each returns true when it took the event (no pan then). */
export function mfmHandlers(canvas: HTMLCanvasElement) {
  let dragging: 'point' | 'tip' | 'line' | null = null;
  const viewport = (): Viewport => ({ width: canvas.clientWidth, height: canvas.clientHeight });
  const local = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const world = (e: PointerEvent): [number, number] => {
    const [px, py] = local(e);
    const p = pixelToWorld(store.getState().view.camera, viewport(), px, py);
    return [round(p[0]), round(p[1])];
  };
  const active = () =>
    store.getState().config.method === 'mfm' ? mfmTool.getState().tool : ('pan' as MfmTool);
  const apply = (p: [number, number]) => {
    const { view, setView } = store.getState();
    if (dragging === 'point') setView({ posteriorAt: p });
    else if (dragging === 'tip' && view.reward && (p[0] !== 0 || p[1] !== 0))
      setView({ reward: { ...view.reward, a: p } });
    else if (dragging === 'line' && view.reward) {
      const a = view.reward.a;
      setView({ reward: { ...view.reward, y: round(a[0] * p[0] + a[1] * p[1]) } });
    }
  };
  return {
    down(e: PointerEvent): boolean {
      const tool = active();
      if (tool === 'pan') return false;
      const { view } = store.getState();
      if (tool === 'posterior') dragging = 'point';
      else if (view.reward) {
        const [tx, ty] = worldToPixel(view.camera, viewport(), view.reward.a[0], view.reward.a[1]);
        const [px, py] = local(e);
        dragging = Math.hypot(px - tx, py - ty) <= TIP_GRAB_PX ? 'tip' : 'line';
      } else return false;
      apply(world(e));
      return true;
    },
    move(e: PointerEvent): boolean {
      if (!dragging) return false;
      apply(world(e));
      return true;
    },
    up(): boolean {
      const was = dragging !== null;
      dragging = null;
      return was;
    },
  };
}

/** Where the line a . x = y crosses the view box: two points, or null when it misses it. */
export function rewardLine(
  a: readonly [number, number],
  y: number,
  box: [number, number, number, number],
): [[number, number], [number, number]] | null {
  const [x0, y0, x1, y1] = box;
  const n = Math.hypot(a[0], a[1]);
  if (n === 0) return null;
  const foot: [number, number] = [(y * a[0]) / (n * n), (y * a[1]) / (n * n)];
  const dir: [number, number] = [-a[1] / n, a[0] / n];
  const span = Math.hypot(x1 - x0, y1 - y0) + Math.hypot(foot[0], foot[1]);
  return [
    [foot[0] - span * dir[0], foot[1] - span * dir[1]],
    [foot[0] + span * dir[0], foot[1] + span * dir[1]],
  ];
}

function drawOverlay(g: CanvasRenderingContext2D, cam: Camera, v: Viewport, view: ViewSettings): void {
  g.clearRect(0, 0, v.width, v.height);
  const px = (x: number, y: number) => worldToPixel(cam, v, x, y);
  if (view.reward) {
    const { a, y } = view.reward;
    const line = rewardLine(a, y, viewBox(cam, v));
    if (line) {
      const [p, q] = [px(...line[0]), px(...line[1])];
      g.strokeStyle = 'rgba(190, 24, 93, 0.8)';
      g.setLineDash([6, 4]);
      g.lineWidth = 1.5;
      g.beginPath();
      g.moveTo(p[0], p[1]);
      g.lineTo(q[0], q[1]);
      g.stroke();
      g.setLineDash([]);
    }
    const [ox, oy] = px(0, 0);
    const [tx, ty] = px(a[0], a[1]);
    const ang = Math.atan2(ty - oy, tx - ox);
    g.strokeStyle = g.fillStyle = 'rgba(30, 41, 59, 0.9)';
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(ox, oy);
    g.lineTo(tx, ty);
    g.stroke();
    g.beginPath();
    g.moveTo(tx, ty);
    g.lineTo(tx - 11 * Math.cos(ang - 0.4), ty - 11 * Math.sin(ang - 0.4));
    g.lineTo(tx - 11 * Math.cos(ang + 0.4), ty - 11 * Math.sin(ang + 0.4));
    g.closePath();
    g.fill();
    g.font = '12px sans-serif';
    g.fillText('a', tx + 6, ty - 6);
  }
  if (view.posteriorAt) {
    const [x, y] = px(view.posteriorAt[0], view.posteriorAt[1]);
    g.strokeStyle = 'rgba(30, 41, 59, 0.95)';
    g.lineWidth = 2;
    g.beginPath();
    g.arc(x, y, 7, 0, 2 * Math.PI);
    g.moveTo(x - 11, y);
    g.lineTo(x + 11, y);
    g.moveTo(x, y - 11);
    g.lineTo(x, y + 11);
    g.stroke();
    g.font = '12px sans-serif';
    g.fillStyle = 'rgba(30, 41, 59, 0.95)';
    g.fillText(`x_t, t = ${view.fieldT.toFixed(2)}`, x + 10, y - 10);
  }
}

/** The point, the reward's arrow and line over the GPU canvas (method mfm only). */
export function MfmOverlay() {
  const ref = useRef<HTMLCanvasElement>(null);
  const isMfm = usePlayground((s) => s.config.method === 'mfm');
  const view = usePlayground((s) => s.view);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const paint = () => {
      const v = { width: el.clientWidth, height: el.clientHeight };
      el.width = v.width;
      el.height = v.height;
      const g = el.getContext('2d');
      if (g) drawOverlay(g, store.getState().view.camera, v, store.getState().view);
    };
    paint();
    const observer = new ResizeObserver(paint);
    observer.observe(el);
    return () => observer.disconnect();
  }, [view, isMfm]);
  if (!isMfm) return null;
  return <canvas ref={ref} className="draw-overlay" data-testid="mfm-overlay" aria-hidden="true" />;
}
