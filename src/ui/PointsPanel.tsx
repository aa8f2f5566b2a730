/**
 * Your own distribution: draw points on the canvas (brush, eraser), or load a CSV of x,y points (file
 * picker or drag and drop onto the canvas). The points become the 'points' dataset every method trains on.
 */
import { useRef, useState, type DragEvent } from 'react';
import { PointsCsvError, parsePointsCsv, pointsToCsv } from '../data/pointsCsv.ts';
import { encodeLink, quantizePoints } from '../state/datasetUrl.ts';
import type { DrawMode } from '../state/drawing.ts';
import { Slider } from './controls/Slider.tsx';
import { commitPoints } from './drawCanvas.tsx';
import { drawTool, useDrawTool } from './drawTool.ts';
import { store, usePlayground } from './store.ts';

const BRUSH = {
  kind: 'number',
  name: 'brush',
  label: 'brush size (px)',
  help: 'radius of the brush and of the eraser, in screen pixels',
  min: 2,
  max: 60,
  step: 1,
  int: true,
  log: false,
  default: 12,
} as const;

const JITTER = {
  kind: 'number',
  name: 'jitter',
  label: 'jitter',
  help: 'std of the Gaussian noise added around each point when the dataset is sampled',
  min: 0,
  max: 1,
  step: 0.01,
  int: false,
  log: false,
  default: 0.1,
} as const;

/** Reads a CSV's text into the dataset, with a notice that says what happened (or which line is bad). */
export function loadCsvText(text: string, file: string): void {
  const { notify } = store.getState();
  try {
    const csv = parsePointsCsv(text);
    commitPoints(quantizePoints(csv.xy));
    const fit = csv.rescale
      ? `, centred and scaled by ${csv.rescale.scale.toPrecision(3)} to fit the canvas`
      : '';
    notify('info', `Loaded ${csv.rows} points from ${file}${fit}.`);
  } catch (e) {
    if (e instanceof PointsCsvError) notify('warning', `${file} was not loaded: ${e.message}`);
    else throw e;
  }
}

/** Offers the points as a CSV download. */
export function downloadPoints(xy: number[]): void {
  const url = URL.createObjectURL(new Blob([pointsToCsv(xy)], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'points.csv';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Drag-and-drop of a CSV file onto the canvas frame. */
export function useCsvDrop() {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        setOver(false);
        const file = e.dataTransfer.files[0];
        if (!file) return;
        e.preventDefault();
        void file.text().then((t) => loadCsvText(t, file.name));
      },
    },
  };
}

function ModeButton({ mode, label }: { mode: DrawMode; label: string }) {
  const current = useDrawTool((s) => s.mode);
  return (
    <button
      className={`button${current === mode ? ' on' : ''}`}
      data-testid={`draw-${mode}`}
      aria-pressed={current === mode}
      onClick={() => drawTool.setState({ mode: current === mode ? 'off' : mode })}
    >
      {label}
    </button>
  );
}

export function PointsPanel() {
  const config = usePlayground((s) => s.config);
  const brush = useDrawTool((s) => s.brush);
  const file = useRef<HTMLInputElement>(null);
  const points = config.dataset === 'points' ? config.points : undefined;
  const link = points ? encodeLink({ config, hide: [] }) : null;
  return (
    <div className="points-panel" data-testid="points-panel">
      <div className="points-actions">
        <ModeButton mode="draw" label="Draw" />
        <ModeButton mode="erase" label="Erase" />
        <button className="button" data-testid="points-load" onClick={() => file.current?.click()}>
          Load CSV
        </button>
        <input
          ref={file}
          type="file"
          accept=".csv,text/csv,text/plain"
          hidden
          data-testid="points-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void f.text().then((t) => loadCsvText(t, f.name));
            e.target.value = '';
          }}
        />
        {points && (
          <>
            <button
              className="button"
              data-testid="points-download"
              onClick={() => downloadPoints(points.xy)}
            >
              Download CSV
            </button>
            <button className="button" data-testid="points-clear" onClick={() => commitPoints([])}>
              Clear
            </button>
          </>
        )}
      </div>
      <Slider spec={BRUSH} value={brush} onChange={(v) => drawTool.setState({ brush: v })} testId="brush" />
      {points && (
        <>
          <Slider
            spec={JITTER}
            value={points.jitter}
            testId="jitter"
            onChange={(v) =>
              store.getState().setConfig((c) => ({ ...c, points: c.points && { ...c.points, jitter: v } }))
            }
          />
          <p className="explain" data-testid="points-info">
            {points.xy.length / 2} points;{' '}
            {link?.refused ? (
              <span className="warning">too many for a link: share the CSV file with it.</span>
            ) : (
              `the link carries them in ${link?.hash.length ?? 0} characters.`
            )}
          </p>
        </>
      )}
      {!points && (
        <p className="explain muted">
          Draw on the canvas (Draw, then drag) or drop a CSV of x,y points on it: every method then trains on
          your points.
        </p>
      )}
    </div>
  );
}
