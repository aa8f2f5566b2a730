/**
 * Meta Flow Maps controls under the canvas (method mfm only): what a press on the canvas does (pan, set the
 * posterior point, set the reward), the posterior's time t, the reward's sigma, the estimator of grad V_t
 * and its Monte Carlo count N, and two readouts of the distance to the exact answer beside its floor.
 */
import { datasetMixture } from '../data/gmm.ts';
import { PAPER_REWARD } from '../data/posterior.ts';
import { MC_MAX } from '../state/mfmUrl.ts';
import type { MfmResult } from '../state/store.ts';
import { ESTIMATORS, type Estimator } from '../train/mfmPrograms.ts';
import { mfmTool, useMfmTool, type MfmTool } from './mfmCanvas.tsx';
import { Select } from './controls/Select.tsx';
import { Slider, formatNumber } from './controls/Slider.tsx';
import { Toggle } from './controls/Toggle.tsx';
import { store, useHidden, usePlayground } from './store.ts';

const TOOLS: { id: MfmTool; label: string; help: string }[] = [
  { id: 'pan', label: 'pan', help: 'drag to pan the view' },
  {
    id: 'posterior',
    label: 'posterior point',
    help: 'click or drag: the point x_t whose posterior is drawn',
  },
  {
    id: 'reward',
    label: 'reward',
    help: 'drag the arrow tip to set the direction a; drag elsewhere to move the line a . x = y',
  },
];

const T_SPEC = {
  kind: 'number',
  name: 't',
  label: 'posterior time t',
  help: 'the time of x_t (0 = data: the posterior is a point; 1 = noise: the posterior is the prior)',
  min: 0,
  max: 1,
  step: 0.01,
  int: false,
  log: false,
  default: 0.6,
} as const;
const SIGMA_SPEC = {
  kind: 'number',
  name: 'sigma',
  label: 'reward sigma',
  help: 'r(x) = log N(y; a . x, sigma^2): a smaller sigma is a sharper observation',
  min: 0.05,
  max: 2,
  step: 0.01,
  int: false,
  log: true,
  default: 0.2,
} as const;
const MCS = [1, 2, 4, 8, 16, 32, 64, MC_MAX].map(String);
const ESTIMATOR_LABELS: Record<Estimator, string> = {
  iwae: 'iwae (grad logsumexp)',
  sne: 'sne (no gradient)',
  dps: 'dps (baseline)',
};

const fmt = (v: number | undefined) => (v === undefined ? '–' : formatNumber(v));

function Readout({
  result,
  kind,
  exact,
}: {
  result: MfmResult | null;
  kind: 'posterior' | 'guide';
  exact: boolean;
}) {
  const id = kind === 'posterior' ? 'posterior-readout' : 'reward-readout';
  if (!result)
    return (
      <p className="mfm-readout" data-testid={id}>
        sampling…
      </p>
    );
  const s = result.scores;
  const head = `${result.n} samples at step ${result.step.toLocaleString('en-US')}`;
  if (!s || !exact)
    return (
      <p className="mfm-readout" data-testid={id}>
        {head}: no exact answer for this dataset (it is not a Gaussian mixture)
      </p>
    );
  const [a, b, fa, fb] =
    kind === 'posterior'
      ? ['energy', 'gridTv', 'floorEnergy', 'floorTv']
      : ['sw2', 'mmd', 'floorSw2', 'floorMmd'];
  const names = kind === 'posterior' ? ['energy', 'grid TV'] : ['sliced W2', 'MMD'];
  return (
    <p
      className="mfm-readout"
      data-testid={id}
      data-step={result.step}
      data-distance={s[a]}
      data-floor={s[fa]}
    >
      {head}: {names[0]} <b>{fmt(s[a])}</b> (exact vs exact {fmt(s[fa])}), {names[1]} <b>{fmt(s[b])}</b>{' '}
      (floor {fmt(s[fb])})
    </p>
  );
}

export function MfmPanel() {
  const isMfm = usePlayground((s) => s.config.method === 'mfm');
  const dataset = usePlayground((s) => s.config.dataset);
  const view = usePlayground((s) => s.view);
  const results = usePlayground((s) => s.mfm);
  const tool = useMfmTool();
  const hidden = useHidden('mfm');
  if (!isMfm || hidden) return null;
  const setView = store.getState().setView;
  const exact = datasetMixture(dataset) !== null;
  const pick = (t: MfmTool) => {
    mfmTool.setState({ tool: t });
    // a posterior at t = 1 is the prior: start the first point at a time where x_t says something
    if (t === 'posterior' && !view.posteriorAt && view.fieldT >= 0.99) setView({ fieldT: 0.6, fieldS: 0 });
    if (t === 'reward' && !view.reward) setView({ reward: { ...PAPER_REWARD, a: [...PAPER_REWARD.a] } });
  };
  return (
    <div className="mfm-panel" data-testid="mfm-panel">
      <div className="segmented" role="radiogroup" aria-label="what a press on the canvas does">
        <span className="segmented-label">canvas</span>
        {TOOLS.map((t) => (
          <button
            key={t.id}
            role="radio"
            aria-checked={tool === t.id}
            className={tool === t.id ? 'on' : ''}
            data-testid={`mfm-tool-${t.id}`}
            title={t.help}
            onClick={() => pick(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <p className="mfm-legend">
        <span className="swatch posterior" /> one-step MFM samples of p(x_0 | x_t) ·{' '}
        <span className="swatch guided" /> reward-guided · <span className="swatch exact" /> exact
        {exact ? '' : ' (only on Gaussian mixtures)'}
      </p>
      <div className="mfm-row">
        <Slider
          spec={T_SPEC}
          value={view.fieldT}
          testId="posterior-t"
          onChange={(v) => setView({ fieldT: v, fieldS: Math.min(view.fieldS, v) })}
        />
        <Toggle
          label="exact"
          value={view.exact !== false}
          onChange={(v) => setView({ exact: v })}
          testId="show-exact"
          help="draw the exact posterior and the exact tilted target (Gaussian-mixture data)"
        />
        {view.posteriorAt && (
          <button
            className="button"
            data-testid="posterior-clear"
            onClick={() => setView({ posteriorAt: null })}
          >
            clear point
          </button>
        )}
      </div>
      {view.posteriorAt ? (
        <Readout result={results.posterior} kind="posterior" exact={exact} />
      ) : (
        <p className="mfm-readout">Pick “posterior point” and click the canvas.</p>
      )}
      {view.reward && (
        <>
          <div className="mfm-row">
            <Slider
              spec={SIGMA_SPEC}
              value={view.reward.sigma}
              testId="reward-sigma"
              onChange={(v) => setView({ reward: { ...view.reward!, sigma: Number(v.toPrecision(3)) } })}
            />
            <Select
              label="estimator"
              value={view.estimator ?? 'iwae'}
              testId="reward-estimator"
              help="iwae: grad of logsumexp of r over N posterior samples; sne: softmax-weighted posterior mean, no gradient; dps: r at the denoiser mean (the baseline, N unused)"
              options={ESTIMATORS.map((e) => ({ value: e, label: ESTIMATOR_LABELS[e] }))}
              onChange={(v) => setView({ estimator: v as Estimator })}
            />
            <Select
              label="N (posterior samples)"
              value={String(view.mc ?? 8)}
              testId="reward-mc"
              options={[...new Set([...MCS, String(view.mc ?? 8)])]
                .sort((x, y) => Number(x) - Number(y))
                .map((n) => ({ value: n, label: n }))}
              onChange={(v) => setView({ mc: Number(v) })}
            />
            <button className="button" data-testid="reward-clear" onClick={() => setView({ reward: null })}>
              clear reward
            </button>
          </div>
          <p className="mfm-legend">
            r(x) = log N({fmt(view.reward.y)}; ({fmt(view.reward.a[0])}, {fmt(view.reward.a[1])}) · x,{' '}
            {fmt(view.reward.sigma)}²)
          </p>
          <Readout result={results.guide} kind="guide" exact={exact} />
        </>
      )}
    </div>
  );
}
