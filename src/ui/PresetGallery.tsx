/** Classroom demos: a card per preset with its two lines; a click loads the experiment and the view. */
import { COMPARE_PRESETS } from '../state/comparePresets.ts';
import { PRESETS } from '../state/presets.ts';
import { store, useHidden, usePlayground } from './store.ts';

export function PresetGallery() {
  const current = usePlayground((s) => s.presetId);
  const hidden = useHidden('presets');
  if (hidden) return null;
  return (
    <div className="presets">
      <h2>Demos</h2>
      <div className="preset-grid">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            className={`preset ${current === p.id ? 'on' : ''}`}
            data-testid={`preset-${p.id}`}
            onClick={() => store.getState().applyPreset(p.id)}
          >
            <span className="preset-title">{p.title}</span>
            <span className="preset-line">{p.lines[0]}</span>
            <span className="preset-line muted">{p.lines[1]}</span>
          </button>
        ))}
        {COMPARE_PRESETS.map((p) => (
          <a
            key={p.id}
            className="preset"
            data-testid={`preset-${p.id}`}
            // the hash change opens compare mode (src/ui/urlSync.ts reloads for a compare link)
            href={`#${p.hash}`}
          >
            <span className="preset-title">{p.title} (compare)</span>
            <span className="preset-line">{p.lines[0]}</span>
            <span className="preset-line muted">{p.lines[1]}</span>
          </a>
        ))}
      </div>
    </div>
  );
}
