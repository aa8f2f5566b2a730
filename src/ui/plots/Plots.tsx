/** The live plots under the canvas, with a legend of what the lines mean. */
import { usePlayground } from '../store.ts';
import { LossPlot } from './LossPlot.tsx';
import { NfePlot } from './NfePlot.tsx';
import { QualityPlot } from './QualityPlot.tsx';

export function Plots() {
  const hasData = usePlayground((s) => s.lastSummary !== null);
  const training = usePlayground((s) => s.gpu.training);
  return (
    <div className="plot-row">
      <LossPlot />
      <QualityPlot />
      <NfePlot />
      {!hasData && (
        <p className="plot-empty">
          {training
            ? 'Press ▶ to train: losses and sample quality appear here as the model learns.'
            : 'Losses and sample quality appear here once training is available.'}
        </p>
      )}
    </div>
  );
}
