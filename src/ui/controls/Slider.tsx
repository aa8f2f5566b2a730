/** A labelled slider with its value; linear or logarithmic (the spec says), integer or not. */
import { fromSlider, toSlider, type ControlSpec } from '../../state/controls.ts';

type NumberSpec = Extract<ControlSpec, { kind: 'number' }>;

export function formatNumber(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e7) return String(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(1).replace('e-', 'e−');
  return String(Number(x.toPrecision(3)));
}

export function Slider({
  spec,
  value,
  onChange,
  testId,
}: {
  spec: NumberSpec;
  value: number;
  onChange: (v: number) => void;
  testId?: string;
}) {
  const RES = 1000;
  const position = Math.round(Math.min(1, Math.max(0, toSlider(spec, value))) * RES);
  return (
    <label className="control" title={spec.help}>
      <span className="control-head">
        <span className="control-label">{spec.label}</span>
        <span className="control-value">{formatNumber(value)}</span>
      </span>
      <input
        type="range"
        min={0}
        max={RES}
        step={1}
        value={position}
        data-testid={testId}
        onChange={(e) => onChange(fromSlider(spec, Number(e.target.value) / RES))}
      />
    </label>
  );
}
