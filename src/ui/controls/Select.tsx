/** A labelled select over string options. */
export function Select({
  label,
  value,
  options,
  onChange,
  help,
  testId,
}: {
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (v: string) => void;
  help?: string;
  testId?: string;
}) {
  return (
    <label className="control" title={help}>
      <span className="control-head">
        <span className="control-label">{label}</span>
      </span>
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
