/**
 * Quality against the number of function evaluations for the model as it is now, next to the teacher:
 * a small snapshot, redrawn (Plotly.react) when a new quality report arrives every few seconds.
 */
import { useEffect, useRef } from 'react';
import type { Data } from 'plotly.js';
import { hasTeacher } from '../../state/methods.ts';
import { store } from '../store.ts';
import { baseLayout, DISTANCE_AXIS_TICKS, loadPlotly } from './livePlot.ts';
import { BAND_COLOR, floorBand } from './floorBand.ts';
import { pickMetric } from './QualityPlot.tsx';

export function NfePlot() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current!;
    const base = baseLayout('quality vs NFE (now)', 'distance to data', true);
    const layout = {
      ...base,
      yaxis: { ...base.yaxis, ...DISTANCE_AXIS_TICKS },
      xaxis: {
        title: { text: 'NFE' },
        type: 'log' as const,
        tickvals: [1, 2, 4, 8, 16, 32],
        gridcolor: '#e5e7eb',
      },
    };
    let chain = loadPlotly().then((P) =>
      P.newPlot(el, [], layout, { displayModeBar: false, responsive: true }),
    );
    let empty = true; // an empty plot is not redrawn empty on every config change
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.lastQuality === prev.lastQuality && s.runId === prev.runId) return;
      const report = s.lastQuality;
      if (!report && empty) return;
      empty = !report;
      const data: Data[] = [];
      const metric = report ? pickMetric(report.metrics) : undefined;
      if (report && metric) {
        const entries = Object.entries(report.metrics[metric])
          .filter(([k]) => k !== 'teacher')
          .map(([k, v]) => [Number(k), v] as const)
          .sort((a, b) => a[0] - b[0]);
        data.push({
          type: 'scatter',
          mode: 'lines+markers',
          name: `model (step ${report.step})`,
          x: entries.map((e) => e[0]),
          y: entries.map((e) => e[1]),
          line: { color: '#e8552e', width: 2 },
          marker: { size: 7 },
        });
        // the teacher (its ODE at many steps) and the data floor as level lines with a legend entry each
        const xs = [entries[0]?.[0] ?? 1, entries[entries.length - 1]?.[0] ?? 8];
        const level = (name: string, y: number | undefined, line: Partial<Plotly.ScatterLine>) => {
          if (y !== undefined && Number.isFinite(y))
            data.push({ type: 'scatter', mode: 'lines', name, x: xs, y: [y, y], line, hoverinfo: 'y+name' });
        };
        level(
          hasTeacher(s.config) ? 'teacher (ODE)' : 'its ODE (many steps)',
          report.metrics[metric].teacher,
          { dash: 'dot', color: '#2a6bd1', width: 2 },
        );
        const band = floorBand(report, metric);
        // the band's legend is the floor's own entry: a fourth row would climb onto the axis title
        level(band ? `data floor (shaded: ${band.draws} draws)` : 'data floor', report.floor[metric], {
          dash: 'dash',
          color: '#64748b',
          width: 1.2,
        });
        if (band) {
          // the floor over independent data draws, shaded: below its top a model is as good as data can tell
          const edge = { x: xs, mode: 'lines' as const, line: { width: 0 }, hoverinfo: 'skip' as const };
          data.push({
            ...edge,
            type: 'scatter',
            y: [band.lo, band.lo],
            showlegend: false,
            name: 'floor low',
          });
          data.push({
            ...edge,
            type: 'scatter',
            y: [band.hi, band.hi],
            fill: 'tonexty',
            fillcolor: BAND_COLOR,
            showlegend: false,
            name: `floor over ${band.draws} draws`,
          });
        }
      }
      chain = chain.then(async () =>
        (await loadPlotly()).react(el, data, {
          ...layout,
          shapes: [],
          yaxis: { ...layout.yaxis, title: { text: metric ?? 'distance to data' } },
        }),
      );
    });
    return () => {
      unsubscribe();
      void chain.then(async () => (await loadPlotly()).purge(el));
    };
  }, []);
  return <div ref={ref} className="plot" data-testid="nfe-plot" />;
}
