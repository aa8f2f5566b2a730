/** A labelled switch. */
export function Toggle({
  label,
  value,
  onChange,
  help,
  testId,
}: {
  label: string;
  value: boolean;
  onChange: (v: boolean) => void;
  help?: string;
  testId?: string;
}) {
  return (
    <label className="control toggle" title={help}>
      <input
        type="checkbox"
        checked={value}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span className="switch" aria-hidden="true" />
      <span className="control-label">{label}</span>
    </label>
  );
}
