/** The summary table: per member, grid TV at NFE 1/2/4/8, energy at the panels' NFE, steps/s, the data floor. */
import { useCompare } from './compareStore.ts';

const NFES = ['1', '2', '4', '8'];
const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toPrecision(3));

export function CompareTable() {
  const members = useCompare((s) => s.members);
  const nfe = useCompare((s) => String(s.nfe));
  const floor = members.map((m) => m.history.at(-1)?.report.floor).find(Boolean);
  return (
    <table className="compare-table" data-testid="compare-table">
      <thead>
        <tr>
          <th>member</th>
          <th>step</th>
          {NFES.map((k) => (
            <th key={k}>TV NFE {k}</th>
          ))}
          <th>energy NFE {nfe}</th>
          <th>steps/s</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m, i) => {
          const r = m.history.at(-1)?.report;
          const rate = m.rates.length
            ? m.rates.slice(-8).reduce((a, x) => a + x.rate, 0) / Math.min(8, m.rates.length)
            : undefined;
          return (
            <tr key={m.id} data-testid="compare-row">
              <td>
                {i + 1}. {m.entry}
              </td>
              <td>{r?.step ?? '-'}</td>
              {NFES.map((k) => (
                <td key={k}>{fmt(r?.metrics.gridTv?.[k])}</td>
              ))}
              <td>{fmt(r?.metrics.energy?.[nfe])}</td>
              <td>{rate === undefined ? '-' : rate.toFixed(1)}</td>
            </tr>
          );
        })}
        {floor && (
          <tr className="muted">
            <td>data floor</td>
            <td />
            {NFES.map((k) => (
              <td key={k}>{fmt(floor.gridTv)}</td>
            ))}
            <td>{fmt(floor.energy)}</td>
            <td />
          </tr>
        )}
      </tbody>
    </table>
  );
}
