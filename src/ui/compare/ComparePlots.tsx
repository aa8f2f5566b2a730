/**
 * ONE set of plots for every member, overlaid (a trace per member, in member order and colour): grid TV at
 * the panels' NFE against the step and against the seconds the member has played, grid TV against the NFE
 * (latest report), and steps per second. Redrawn with Plotly.react at most twice a second.
 */
import { useEffect, useRef } from 'react';
import type { Data, Layout } from 'plotly.js';
import { baseLayout, loadPlotly, PLOT_COLORS } from '../plots/livePlot.ts';
import { compareStore, type CompareState } from './compareStore.ts';

type Chart = { id: string; layout: Partial<Layout>; traces: (s: CompareState) => Data[] };

const line = (i: number) => ({ width: 1.6, color: PLOT_COLORS[i % PLOT_COLORS.length] });
const name = (s: CompareState, i: number) => `${i + 1}. ${s.members[i].entry}`;
const tv = (r: { metrics: Record<string, Record<string, number>> }, nfe: string) => r.metrics.gridTv?.[nfe];

function withX(title: string, x: string, logX = false): Partial<Layout> {
  const l = baseLayout(title, 'grid TV to data', false);
  return { ...l, xaxis: { ...l.xaxis, title: { text: x }, type: logX ? 'log' : 'linear' } };
}

const CHARTS: Chart[] = [
  {
    id: 'compare-plot-step',
    layout: withX('quality vs step', 'step'),
    traces: (s) =>
      s.members.map((m, i) => ({
        type: 'scatter',
        mode: 'lines+markers',
        name: name(s, i),
        x: m.history.map((p) => p.report.step),
        y: m.history.map((p) => tv(p.report, String(s.nfe))),
        line: line(i),
      })),
  },
  {
    id: 'compare-plot-nfe',
    layout: withX('quality vs NFE (now)', 'NFE', true),
    traces: (s) =>
      s.members.map((m, i) => {
        const r = m.history.at(-1)?.report;
        return {
          type: 'scatter',
          mode: 'lines+markers',
          name: name(s, i),
          x: [1, 2, 4, 8],
          y: [1, 2, 4, 8].map((k) => (r ? tv(r, String(k)) : null)),
          line: line(i),
        } as Data;
      }),
  },
  {
    id: 'compare-plot-time',
    layout: withX('quality vs wall-clock', 'seconds of training (shared loop)'),
    traces: (s) =>
      s.members.map((m, i) => ({
        type: 'scatter',
        mode: 'lines+markers',
        name: name(s, i),
        x: m.history.map((p) => p.seconds),
        y: m.history.map((p) => tv(p.report, String(s.nfe))),
        line: line(i),
      })),
  },
  {
    id: 'compare-plot-sps',
    layout: { ...baseLayout('steps per second', 'steps/s', false) },
    traces: (s) =>
      s.members.map((m, i) => ({
        type: 'scatter',
        mode: 'lines',
        name: name(s, i),
        x: m.rates.map((p) => p.step),
        y: m.rates.map((p) => p.rate),
        line: line(i),
      })),
  },
];

export function ComparePlots() {
  const refs = useRef<(HTMLDivElement | null)[]>([]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const redraw = async () => {
      timer = null;
      const P = await loadPlotly();
      if (stopped) return;
      const s = compareStore.getState();
      CHARTS.forEach((c, i) => {
        const el = refs.current[i];
        if (el) void P.react(el, c.traces(s), c.layout, { displayModeBar: false, responsive: true });
      });
    };
    void redraw();
    const unsubscribe = compareStore.subscribe(() => {
      timer ??= setTimeout(() => void redraw(), 500);
    });
    return () => {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return (
    <div className="compare-plots">
      {CHARTS.map((c, i) => (
        <div key={c.id} ref={(el) => void (refs.current[i] = el)} className="plot" data-testid={c.id} />
      ))}
    </div>
  );
}
