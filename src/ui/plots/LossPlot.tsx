/** Every loss term of the current stage against the step, log y; fed from the store outside React. */
import { useEffect, useRef } from 'react';
import { store } from '../store.ts';
import { baseLayout, LivePlot } from './livePlot.ts';

export function LossPlot() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const plot = new LivePlot(ref.current!, baseLayout('loss terms', 'loss', true));
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.runId !== prev.runId) {
        plot.clear();
        for (const point of s.history ?? []) draw(point); // an opened checkpoint: how it was trained
      }
      const summary = s.lastSummary;
      if (!summary || summary === prev.lastSummary) return;
      draw(summary);
    });
    function draw(summary: { step: number; stage: string; losses: Record<string, number> }) {
      for (const [term, value] of Object.entries(summary.losses)) {
        const name = summary.stage === 'teacher' ? `teacher ${term}` : term;
        plot.append(
          name,
          summary.step,
          value,
          summary.stage === 'teacher' ? { line: { dash: 'dot', width: 1.4 } } : {},
        );
      }
    }
    return () => {
      unsubscribe();
      plot.dispose();
    };
  }, []);
  return <div ref={ref} className="plot" data-testid="loss-plot" />;
}
