/** Play, pause, one step, reset; the step count, the stage and steps per second (read from the store). */
import { hasTeacher, runStages } from '../state/methods.ts';
import { store, usePlayground } from './store.ts';

export function RunBar() {
  const running = usePlayground((s) => s.status.running);
  const step = usePlayground((s) => s.status.step);
  const reported = usePlayground((s) => s.status.stage);
  const sps = usePlayground((s) => s.status.stepsPerSecond);
  const training = usePlayground((s) => s.gpu.training);
  const ready = usePlayground((s) => s.gpu.phase === 'ready');
  const withTeacher = usePlayground((s) => hasTeacher(s.config));
  const trainedTeacher = usePlayground((s) => s.config.teacher.source === 'train');
  const config = usePlayground((s) => s.config);
  const stages = runStages(config);
  const twoStages = withTeacher && trainedTeacher;
  const total = stages.reduce((a, b) => a + b.steps, 0);
  // before the session reports (a new run is being built), a run is at its first stage
  const stage = step === 0 ? stages[0].name : reported;
  const at =
    Math.max(
      0,
      stages.findIndex((x) => x.name === stage),
    ) + 1;
  const label =
    stages.length > 1
      ? `${at}/${stages.length} ${stage}${twoStages ? '' : ' (exact teacher)'}`
      : 'student (exact teacher)';
  const { play, pause, step: stepOnce, reset } = store.getState();
  const note = usePlayground((s) => s.gpu.trainingNote);
  return (
    <div className="runbar">
      <div className="buttons">
        {running ? (
          <button className="button round primary" data-testid="pause" onClick={pause} title="Pause (space)">
            ❚❚
          </button>
        ) : (
          <button
            className="button round primary"
            data-testid="play"
            onClick={play}
            disabled={!ready}
            title={training ? 'Train (space)' : note}
          >
            ▶
          </button>
        )}
        <button
          className="button"
          data-testid="step"
          onClick={stepOnce}
          disabled={!ready || running}
          title="One training step"
        >
          step
        </button>
        <button
          className="button"
          data-testid="reset"
          onClick={reset}
          disabled={!ready}
          title="New network from the seed"
        >
          reset
        </button>
      </div>
      <div className="readout">
        <span className="metric">
          <span className="label">step</span>
          <span className="value" data-testid="step-count">
            {step.toLocaleString('en-US')}
          </span>
        </span>
        <span className="metric total">
          <span className="label">of</span>
          <span className="value muted">{total.toLocaleString('en-US')}</span>
        </span>
        {withTeacher && (
          <span
            className="metric"
            title={
              twoStages
                ? 'a Flow Matching teacher trains first (stage 1), then the student learns from it (stage 2)'
                : "the teacher is the data's exact velocity: only the student trains"
            }
          >
            <span className="label">stage</span>
            <span className={`value stage-name ${stage}`} data-testid="stage">
              {label}
            </span>
          </span>
        )}
        <span className="metric">
          <span className="label">steps/s</span>
          <span className="value" data-testid="steps-per-second">
            {running ? sps.toFixed(sps < 10 ? 1 : 0) : '–'}
          </span>
        </span>
      </div>
      {ready && !training && <div className="hint">{note}</div>}
    </div>
  );
}
