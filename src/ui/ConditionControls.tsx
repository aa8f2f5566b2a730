/**
 * Class labels and classifier-free guidance: which labelling the run trains with (none: unconditional),
 * the class the samples show, and the guidance scale w, which re-samples live without retraining (the
 * config's `cfg` is the training target's scale of a distilled student; the slider starts from it).
 */
import { labellingNames, labellingOf } from '../data/catalogue.ts';
import { methodById } from '../methods/index.ts';
import { classCss } from '../state/palette.ts';
import { Select } from './controls/Select.tsx';
import { Slider } from './controls/Slider.tsx';
import { store, useHidden, usePlayground } from './store.ts';

const spec = (name: string, label: string, help: string, min: number, max: number, step: number) =>
  ({ kind: 'number', name, label, help, min, max, step, int: false, log: false, default: 1 }) as const;

const TRAIN_CFG = spec(
  'cfg',
  'training guidance w',
  'guidance scale of the distillation targets (and the starting sampling scale); changing it retrains',
  0,
  8,
  0.1,
);
const LIVE_CFG = spec(
  'guidance',
  'sampling guidance w',
  'u_null + w (u_c - u_null) for guided samplers (FM, the teacher layer): re-samples live',
  0,
  8,
  0.1,
);

export function ConditionControls() {
  const config = usePlayground((s) => s.config);
  const view = usePlayground((s) => s.view);
  const hidden = useHidden('condition');
  const names = labellingNames(config.dataset);
  if (hidden || names.length === 0 || !methodById(config.method).supportsLabels) return null;
  const { setConfig, setView } = store.getState();
  const cond = config.condition;
  const classes = cond ? labellingOf(config.dataset, cond.labels).classes : 0;
  return (
    <section className="panel-section" data-testid="condition-section">
      <h2>Classes and guidance</h2>
      <Select
        label="labels"
        value={cond?.labels ?? ''}
        testId="labels"
        help="train class-conditional networks on these labels (10 % label dropout for the unconditional branch)"
        options={[
          { value: '', label: 'none (unconditional)' },
          ...names.map((n) => ({ value: n, label: labellingOf(config.dataset, n).description })),
        ]}
        onChange={(v) => {
          setView({ sampleClass: -1, guidance: null });
          setConfig((c) => {
            const next = { ...c };
            if (v === '') delete next.condition;
            else
              next.condition = {
                labels: v,
                dropout: c.condition?.dropout ?? 0.1,
                cfg: c.condition?.cfg ?? 1,
              };
            return next;
          });
        }}
      />
      {cond && (
        <>
          <Select
            label="class shown"
            value={String(view.sampleClass ?? -1)}
            testId="sample-class"
            options={[
              { value: '-1', label: 'all classes' },
              ...Array.from({ length: classes }, (_, k) => ({ value: String(k), label: `class ${k}` })),
            ]}
            onChange={(v) => setView({ sampleClass: Number(v) })}
          />
          <ClassChips
            classes={classes}
            shown={view.sampleClass ?? -1}
            onPick={(k) => setView({ sampleClass: k })}
          />
          <Slider
            spec={TRAIN_CFG}
            value={cond.cfg}
            testId="train-cfg"
            onChange={(w) => {
              setView({ guidance: null });
              setConfig((c) => ({ ...c, condition: { ...cond, cfg: w } }));
            }}
          />
          <Slider
            spec={LIVE_CFG}
            value={view.guidance ?? cond.cfg}
            testId="guidance"
            onChange={(w) => setView({ guidance: w })}
          />
        </>
      )}
    </section>
  );
}

/**
 * The legend of the data colours, and a second way to pick the class shown: one chip per class in its
 * palette colour (the canvas draws that class's data in it), the chosen one pressed; the others fade on
 * the canvas as their chips do here.
 */
function ClassChips(props: { classes: number; shown: number; onPick: (k: number) => void }) {
  const { classes, shown, onPick } = props;
  return (
    <div className="class-chips" data-testid="class-chips" role="group" aria-label="data colour per class">
      <button
        type="button"
        className="class-chip"
        aria-pressed={shown < 0}
        data-testid="class-chip-all"
        onClick={() => onPick(-1)}
      >
        all
      </button>
      {Array.from({ length: classes }, (_, k) => (
        <button
          key={k}
          type="button"
          className={`class-chip${shown >= 0 && shown !== k ? ' faded' : ''}`}
          aria-pressed={shown === k}
          data-testid={`class-chip-${k}`}
          title={`show class ${k} (its data in this colour on the canvas)`}
          onClick={() => onPick(k)}
        >
          <span className="class-swatch" style={{ background: classCss(k) }} aria-hidden="true" />
          {k}
        </button>
      ))}
    </div>
  );
}
