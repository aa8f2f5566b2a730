/**
 * Sample quality against the step: one line per NFE for the chosen metric, the data-vs-data floor at the same
 * sample size as a dashed line (what a perfect model would score) and its spread over independent data draws
 * as a shaded band (a gap inside it is noise).
 */
import { useEffect, useRef } from 'react';
import { hasTeacher } from '../../state/methods.ts';
import { store } from '../store.ts';
import { baseLayout, DISTANCE_AXIS_TICKS, LivePlot } from './livePlot.ts';
import { BAND_COLOR, floorBand } from './floorBand.ts';

export const PREFERRED_METRICS = ['sw2', 'energy', 'gridTv'];

export function pickMetric(metrics: Record<string, unknown>): string | undefined {
  return PREFERRED_METRICS.find((m) => m in metrics) ?? Object.keys(metrics)[0];
}

export function QualityPlot() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const base = baseLayout('sample quality', 'sliced W2 to data', true);
    const layout = { ...base, yaxis: { ...base.yaxis, ...DISTANCE_AXIS_TICKS } };
    const plot = new LivePlot(ref.current!, layout);
    let floor: number | undefined;
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.runId !== prev.runId) {
        plot.clear();
        floor = undefined;
      }
      const report = s.lastQuality;
      if (!report || report === prev.lastQuality) return;
      const metric = pickMetric(report.metrics);
      if (!metric) return;
      for (const [nfe, value] of Object.entries(report.metrics[metric])) {
        plot.append(
          nfe === 'teacher' ? (hasTeacher(s.config) ? 'teacher' : 'ODE (many steps)') : `NFE ${nfe}`,
          report.step,
          value,
          nfe === 'teacher' ? { line: { dash: 'dot', color: '#2a6bd1', width: 1.4 } } : {},
        );
      }
      const modes = report.metrics.modes;
      if (modes) {
        // Gaussian mixtures: modes holding at least half their share, per NFE (mode-seeking methods drop some).
        const text = Object.entries(modes)
          .map(([nfe, v]) => `${nfe === 'teacher' ? 'teacher' : `NFE ${nfe}`} ${v}`)
          .join(', ');
        plot.relayout({
          title: {
            text: `sample quality; modes covered (of ${report.floor.modes}): ${text}`,
            font: { size: 12 },
            x: 0.02,
            xanchor: 'left',
          },
        });
      }
      const f = report.floor[metric];
      if (f !== undefined && f !== floor) {
        floor = f;
        const band = floorBand(report, metric);
        plot.relayout({
          shapes: [
            ...(band
              ? [
                  {
                    type: 'rect' as const,
                    xref: 'paper' as const,
                    x0: 0,
                    x1: 1,
                    y0: band.lo,
                    y1: band.hi,
                    fillcolor: BAND_COLOR,
                    line: { width: 0 },
                    layer: 'below' as const,
                  },
                ]
              : []),
            {
              type: 'line',
              xref: 'paper',
              x0: 0,
              x1: 1,
              y0: f,
              y1: f,
              line: { dash: 'dash', color: '#64748b', width: 1.2 },
            },
          ],
          annotations: [
            {
              xref: 'paper',
              x: 1,
              y: Math.log10(f),
              yref: 'y',
              text: band
                ? `data floor ${f.toPrecision(2)} (${band.lo.toPrecision(2)}-${band.hi.toPrecision(2)} over ${band.draws} draws)`
                : `data floor ${f.toPrecision(2)}`,
              showarrow: false,
              xanchor: 'right',
              yanchor: 'bottom',
              font: { size: 10, color: '#64748b' },
            },
          ],
        });
      }
    });
    return () => {
      unsubscribe();
      plot.dispose();
    };
  }, []);
  return <div ref={ref} className="plot" data-testid="quality-plot" />;
}
