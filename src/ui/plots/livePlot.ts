/**
 * A plotly chart fed point by point: new series become traces (addTraces), new points are buffered and
 * appended with one Plotly.extendTraces call at most every 250 ms - the chart is never redrawn from scratch
 * while a run goes on. plotly is loaded on first use so that the page's first paint does not wait for it.
 */
import type { Data, Layout, PlotlyHTMLElement } from 'plotly.js';

type PlotlyModule = typeof import('plotly.js');
let plotly: Promise<PlotlyModule> | null = null;
export const loadPlotly = () =>
  (plotly ??= import('plotly.js-dist-min').then(
    (m) => ((m as { default?: PlotlyModule }).default ?? m) as PlotlyModule,
  ));

const FLUSH_MS = 250;

export const PLOT_FONT = { family: 'Inter, system-ui, sans-serif', size: 11, color: '#334155' };
export const PLOT_COLORS = [
  '#e8552e',
  '#2a6bd1',
  '#16a34a',
  '#9333ea',
  '#ca8a04',
  '#0891b2',
  '#db2777',
  '#475569',
];

/**
 * A distance axis spans one or two decades: Plotly's default log ticks then label every digit (2, 3, ... 9,
 * with the decade left implicit) and crowd a small chart; 1, 2 and 5 per decade, written out, stay legible.
 */
const DISTANCE_TICKS = [-4, -3, -2, -1, 0, 1, 2].flatMap((e) => [1, 2, 5].map((m) => Number(`${m}e${e}`)));
export const DISTANCE_AXIS_TICKS = {
  tickvals: DISTANCE_TICKS,
  ticktext: DISTANCE_TICKS.map((v) => String(v)),
};

export function baseLayout(title: string, yTitle: string, logY: boolean): Partial<Layout> {
  return {
    title: { text: title, font: { ...PLOT_FONT, size: 12 }, x: 0.02, xanchor: 'left' },
    font: PLOT_FONT,
    margin: { l: 48, r: 12, t: 30, b: 64 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    // from step 0: an opened checkpoint's single report sits at its step, not alone on a 0.001k-wide axis
    xaxis: { title: { text: 'step' }, gridcolor: '#e5e7eb', zeroline: false, rangemode: 'tozero' },
    yaxis: {
      title: { text: yTitle },
      type: logY ? 'log' : 'linear',
      gridcolor: '#e5e7eb',
      zeroline: false,
      exponentformat: 'power',
    },
    // below the x axis title, so that the entries never cover the chart or its title
    legend: {
      orientation: 'h',
      x: 0,
      xanchor: 'left',
      y: -0.3,
      yanchor: 'top',
      font: { ...PLOT_FONT, size: 10 },
    },
    showlegend: true,
    uirevision: 'keep',
  };
}

export class LivePlot {
  private traces = new Map<string, number>();
  private pending = new Map<string, { x: number[]; y: number[]; style: Partial<Data> }>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  /** Something was drawn since the last clear: an empty plot is not redrawn on every config change. */
  private drawn = false;

  constructor(
    private readonly el: HTMLElement,
    private readonly layout: Partial<Layout>,
  ) {
    this.enqueue((P) => P.newPlot(el, [], layout, { displayModeBar: false, responsive: true }));
  }

  private enqueue(op: (P: PlotlyModule) => Promise<PlotlyHTMLElement> | void): void {
    this.chain = this.chain.then(async () => {
      if (this.disposed) return;
      await op(await loadPlotly());
    });
    this.chain.catch((e: unknown) => console.warn('plot update failed', e));
  }

  /** Adds a point to the series `name` (created with `style` on its first point). */
  append(name: string, x: number, y: number, style: Partial<Data> = {}): void {
    this.drawn = true;
    if (!Number.isFinite(y)) return;
    const p = this.pending.get(name) ?? { x: [], y: [], style };
    p.x.push(x);
    p.y.push(y);
    this.pending.set(name, p);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    const batch = [...this.pending.entries()];
    this.pending.clear();
    const fresh = batch.filter(([name]) => !this.traces.has(name));
    const old = batch.filter(([name]) => this.traces.has(name));
    if (fresh.length > 0) {
      const base = this.traces.size;
      fresh.forEach(([name], i) => this.traces.set(name, base + i));
      const data = fresh.map(
        ([name, p], i) =>
          ({
            type: 'scatter',
            mode: 'lines+markers',
            marker: { size: 4 },
            name,
            x: p.x,
            y: p.y,
            line: { width: 1.6, color: PLOT_COLORS[(base + i) % PLOT_COLORS.length] },
            ...p.style,
          }) as Data,
      );
      this.enqueue((P) => P.addTraces(this.el, data));
    }
    if (old.length > 0) {
      const update = { x: old.map(([, p]) => p.x), y: old.map(([, p]) => p.y) } as Data;
      const indices = old.map(([name]) => this.traces.get(name)!);
      this.enqueue((P) => P.extendTraces(this.el, update, indices));
    }
  }

  /** Layout changes that are not data (a dashed floor line). */
  relayout(patch: Partial<Layout>): void {
    this.drawn = true;
    this.enqueue((P) => P.relayout(this.el, patch));
  }

  /** Empties the chart for a new run. */
  clear(): void {
    this.traces.clear();
    this.pending.clear();
    if (!this.drawn) return;
    this.drawn = false;
    this.enqueue((P) => P.react(this.el, [], { ...this.layout, shapes: [] }));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposed = true;
    void this.chain.then(async () => (await loadPlotly()).purge(this.el));
  }
}
