/** The side panel: the experiment (dataset, method, seed), the method's hyperparameters, teacher, network, training. */
import { DATASETS } from '../data/catalogue.ts';
import { hasTeacher, methodInfo, METHODS } from '../state/methods.ts';
import { ConditionControls } from './ConditionControls.tsx';
import { ConfigSection } from './controls/ConfigSection.tsx';
import { SchemaControls } from './controls/SchemaControls.tsx';
import { Select } from './controls/Select.tsx';
import { Slider } from './controls/Slider.tsx';
import { PointsPanel } from './PointsPanel.tsx';
import { store, useHidden, usePlayground } from './store.ts';
import type { DatasetName, MethodId } from '../train/config.ts';

const NET = ['width', 'depth', 'act', 'time'] as const;
const TRAIN = ['batch', 'lr', 'steps', 'ema'] as const;
const TRAIN_MORE = ['schedule', 'beta1', 'beta2', 'weightDecay', 'clipNorm'] as const;
const TEACHER = ['source', 'steps', 'solver', 'solverSteps'] as const;
const STEPS_PER_FRAME = {
  kind: 'number',
  name: 'stepsPerFrame',
  label: 'steps per frame',
  help: 'training steps recorded per drawn frame',
  min: 1,
  max: 256,
  step: 1,
  int: true,
  log: true,
  default: 8,
} as const;

function Section({
  title,
  children,
  hidden,
}: {
  title: string;
  children: React.ReactNode;
  hidden?: boolean;
}) {
  if (hidden) return null;
  return (
    <section className="panel-section">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function ExperimentSection() {
  const dataset = usePlayground((s) => s.config.dataset);
  const hasPoints = usePlayground((s) => s.config.points !== undefined);
  const method = usePlayground((s) => s.config.method);
  const seed = usePlayground((s) => s.config.seed);
  const info = methodInfo(method);
  const hideDataset = useHidden('dataset');
  const hideMethod = useHidden('method');
  const hideSeed = useHidden('seed');
  const setConfig = store.getState().setConfig;
  return (
    <Section title="Experiment">
      {!hideDataset && (
        <>
          <Select
            label="dataset"
            value={dataset}
            testId="dataset"
            options={[
              ...DATASETS.map((d) => ({ value: d.name, label: d.title })),
              ...(hasPoints ? [{ value: 'points', label: 'Your points' }] : []),
            ]}
            onChange={(v) => setConfig((c) => ({ ...c, dataset: v as DatasetName }))}
          />
          <p className="explain">{DATASETS.find((d) => d.name === dataset)?.description}</p>
          <PointsPanel />
        </>
      )}
      {!hideMethod && (
        <>
          <Select
            label="method"
            value={method}
            testId="method"
            options={METHODS.map((m) => ({ value: m.id, label: m.title }))}
            onChange={(v) => setConfig((c) => ({ ...c, method: v as MethodId }))}
          />
          {info && (info.summary || info.paper) && (
            <p className="explain">
              <span className="objective">{info.summary}</span>{' '}
              {info.paper && <span className="paper">arXiv {info.paper}</span>}
            </p>
          )}
        </>
      )}
      {!hideSeed && (
        <label className="control">
          <span className="control-head">
            <span className="control-label">seed</span>
          </span>
          <input
            type="number"
            min={0}
            step={1}
            value={seed}
            data-testid="seed"
            onChange={(e) => {
              const v = Math.floor(Number(e.target.value));
              if (Number.isFinite(v) && v >= 0 && v < 2 ** 31) setConfig((c) => ({ ...c, seed: v }));
            }}
          />
        </label>
      )}
    </Section>
  );
}

function MethodSection() {
  const method = usePlayground((s) => s.config.method);
  const params = usePlayground((s) => s.config.params);
  const hidden = useHidden('params');
  const info = methodInfo(method);
  return (
    <Section title={`${info?.title ?? method} settings`} hidden={hidden}>
      {info?.schema ? (
        <SchemaControls
          schema={info.schema}
          values={params}
          onChange={(name, v) => store.getState().setParam(name, v)}
        />
      ) : (
        <p className="explain muted">
          This method's hyperparameters appear here once the method library is part of the build.
        </p>
      )}
    </Section>
  );
}

export function ControlPanel() {
  const stepsPerFrame = usePlayground((s) => s.stepsPerFrame);
  const hideTeacher = useHidden('teacher');
  const hideNet = useHidden('net');
  const hideTrain = useHidden('train');
  const teacher = usePlayground((s) => hasTeacher(s.config));
  return (
    <div className="control-panel">
      <ExperimentSection />
      <ConditionControls />
      <MethodSection />
      {teacher && (
        <Section title="Teacher (stage 1)" hidden={hideTeacher}>
          <ConfigSection section="teacher" names={TEACHER} />
        </Section>
      )}
      <Section title="Network" hidden={hideNet}>
        <ConfigSection section="net" names={NET} />
      </Section>
      <Section title="Training" hidden={hideTrain}>
        <ConfigSection section="train" names={TRAIN} />
        <Slider
          spec={STEPS_PER_FRAME}
          value={stepsPerFrame}
          onChange={(v) => store.getState().setStepsPerFrame(v)}
          testId="steps-per-frame"
        />
        <details className="more">
          <summary>optimizer details</summary>
          <ConfigSection section="train" names={TRAIN_MORE} />
        </details>
      </Section>
    </div>
  );
}
