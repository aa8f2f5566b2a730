/** What the canvas shows: layers, the sampler's NFE, the field's times t and s, the flow animation. */
import { hasTeacher } from '../state/methods.ts';
import type { Nfe } from '../state/viewSettings.ts';
import { Slider } from './controls/Slider.tsx';
import { Toggle } from './controls/Toggle.tsx';
import { store, useHidden, usePlayground } from './store.ts';

const NFES: Nfe[] = [1, 2, 4, 8, 'teacher'];
const TIME = (name: string, help: string) =>
  ({
    kind: 'number',
    name,
    label: name,
    help,
    min: 0,
    max: 1,
    step: 0.01,
    int: false,
    log: false,
    default: 0,
  }) as const;

export function ViewControls() {
  const view = usePlayground((s) => s.view);
  const teacher = usePlayground((s) => hasTeacher(s.config));
  const hidden = useHidden('view');
  if (hidden) return null;
  const set = store.getState().setView;
  return (
    <div className="view-controls">
      <div className="segmented" role="radiogroup" aria-label="function evaluations per sample">
        <span className="segmented-label">NFE</span>
        {NFES.map((n) => (
          <button
            key={String(n)}
            role="radio"
            aria-checked={view.nfe === n}
            className={view.nfe === n ? 'on' : ''}
            data-testid={`nfe-${n}`}
            onClick={() => set({ nfe: n })}
            title={
              n === 'teacher'
                ? `${teacher ? "the teacher's" : "the model's own"} ODE, solved with the teacher's solver and steps`
                : `${n} network evaluation${n === 1 ? '' : 's'} per sample`
            }
          >
            {n === 'teacher' ? (teacher ? 'teacher' : 'ODE') : n}
          </button>
        ))}
      </div>
      <div className="layer-toggles">
        <Toggle label="data" value={view.data} onChange={(v) => set({ data: v })} testId="show-data" />
        <Toggle
          label="samples"
          value={view.samples}
          onChange={(v) => set({ samples: v })}
          testId="show-samples"
        />
        <Toggle
          label={teacher ? 'teacher samples' : 'ODE samples'}
          value={view.teacherSamples ?? false}
          onChange={(v) => set({ teacherSamples: v })}
          testId="show-teacher-samples"
        />
        <Toggle
          label="paths"
          value={view.paths}
          onChange={(v) => set({ paths: v })}
          testId="show-paths"
          help="the sampler's jumps from noise to data"
        />
        {teacher && (
          <Toggle
            label="teacher paths"
            value={view.teacherPaths}
            onChange={(v) => set({ teacherPaths: v })}
            testId="show-teacher-paths"
            help="the teacher's ODE paths from the same noise"
          />
        )}
        <Toggle
          label="field"
          value={view.field}
          onChange={(v) => set({ field: v })}
          testId="show-field"
          help="where the map jumps from each point: the direction of (s - t) F(x, t, s)"
        />
        <Toggle
          label="animate"
          value={view.animate}
          onChange={(v) => set({ animate: v })}
          testId="animate"
          help="move every sample from noise (t = 1) to data (t = 0)"
        />
      </div>
      {view.field && (
        <div className="field-times">
          <Slider
            spec={TIME('t', 'time the jump starts from (1 = noise)')}
            value={view.fieldT}
            onChange={(v) => set({ fieldT: Math.max(v, view.fieldS) })}
          />
          <Slider
            spec={TIME('s', 'time the jump lands at (0 = data)')}
            value={view.fieldS}
            onChange={(v) => set({ fieldS: Math.min(v, view.fieldT) })}
          />
        </div>
      )}
      <p className="canvas-hint">drag to pan · wheel to zoom · double-click to reset the view</p>
    </div>
  );
}
