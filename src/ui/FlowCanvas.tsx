/**
 * The square canvas of the flow. Its OffscreenCanvas belongs to the worker, which draws every frame; this
 * component only turns drags into pans (or brush strokes in draw and erase mode, src/ui/drawCanvas.ts, or the
 * Meta Flow Maps point and reward, src/ui/mfmCanvas.tsx), the
 * wheel into zoom about the cursor, and a double click into the default view.
 */
import { useEffect, useRef } from 'react';
import { DEFAULT_CAMERA, panBy, zoomAt } from '../state/camera.ts';
import { DrawOverlay, strokeHandlers } from './drawCanvas.tsx';
import { useDrawTool } from './drawTool.ts';
import { MfmOverlay, mfmHandlers, useMfmTool } from './mfmCanvas.tsx';
import { store, usePlayground } from './store.ts';
import { resizeWorkerCanvas, startWorker } from './workerClient.ts';

function pixelSize(el: HTMLElement): [number, number] {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const r = el.getBoundingClientRect();
  return [Math.max(64, Math.round(r.width * dpr)), Math.max(64, Math.round(r.height * dpr))];
}

export function FlowCanvas() {
  const ref = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = ref.current!;
    const [w, h] = pixelSize(canvas);
    startWorker(canvas, w, h);
    let last = `${w}x${h}`;
    const observer = new ResizeObserver(() => {
      const [nw, nh] = pixelSize(canvas);
      if (`${nw}x${nh}` !== last) {
        last = `${nw}x${nh}`;
        resizeWorkerCanvas(nw, nh);
      }
    });
    observer.observe(canvas);

    let drag: { x: number; y: number } | null = null;
    const viewport = () => ({ width: canvas.clientWidth, height: canvas.clientHeight });
    const camera = () => store.getState().view.camera;
    const stroke = strokeHandlers(canvas);
    const mfm = mfmHandlers(canvas);
    const down = (e: PointerEvent) => {
      canvas.setPointerCapture(e.pointerId);
      if (stroke.down(e)) return;
      if (mfm.down(e)) return;
      drag = { x: e.clientX, y: e.clientY };
    };
    const move = (e: PointerEvent) => {
      if (stroke.move(e)) return;
      if (mfm.move(e)) return;
      if (!drag) return;
      const next = panBy(camera(), viewport(), e.clientX - drag.x, e.clientY - drag.y);
      drag = { x: e.clientX, y: e.clientY };
      store.getState().setView({ camera: next });
    };
    const up = () => {
      stroke.up();
      mfm.up();
      drag = null;
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      const factor = Math.exp(Math.max(-0.5, Math.min(0.5, e.deltaY * 0.0015)));
      store
        .getState()
        .setView({ camera: zoomAt(camera(), viewport(), e.clientX - r.left, e.clientY - r.top, factor) });
    };
    const reset = () => {
      if (!stroke.active()) store.getState().setView({ camera: DEFAULT_CAMERA });
    };
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    canvas.addEventListener('wheel', wheel, { passive: false });
    canvas.addEventListener('dblclick', reset);
    return () => {
      observer.disconnect();
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointercancel', up);
      canvas.removeEventListener('wheel', wheel);
      canvas.removeEventListener('dblclick', reset);
    };
  }, []);

  const mode = useDrawTool((s) => s.mode);
  const tool = useMfmTool();
  const isMfm = usePlayground((s) => s.config.method === 'mfm');
  const picking = isMfm && tool !== 'pan' ? ' draw-mode' : '';
  return (
    <>
      <canvas
        ref={ref}
        className={`flow-canvas${mode === 'off' ? picking : ` ${mode}-mode`}`}
        data-testid="flow-canvas"
        aria-label="Samples of the data and of the model, drawn on the GPU"
      />
      <MfmOverlay />
      <DrawOverlay />
    </>
  );
}
