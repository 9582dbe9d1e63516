import type { ComputationType } from '../../../core/experiment/config';
import type { TypeSummary } from '../../../core/experiment/outputs';
import { formatDelta, formatMetric } from '../format';
import { HEADLINE } from './headlineMetrics';

export function SummaryTable({ types }: { types: Partial<Record<ComputationType, TypeSummary>> }) {
  return (
    <table data-testid="summary-table" className="panel-table">
      <thead>
        <tr>
          <th>type</th>
          {HEADLINE.map((m) => (
            <th key={m.name}>{m.label}</th>
          ))}
          <th>Δ MAP vs original</th>
          <th>p (randomisation)</th>
          <th>p (t-test)</th>
          <th>wins / losses</th>
        </tr>
      </thead>
      <tbody>
        {(Object.keys(types) as ComputationType[]).map((type) => {
          const s = types[type]!;
          const v = s.vs_original?.map;
          return (
            <tr key={type} data-type={type}>
              <td>{type}</td>
              {HEADLINE.map((m) => (
                <td key={m.name} data-metric={m.name} data-value={s.mean[m.name]}>
                  {formatMetric(s.mean[m.name])}
                </td>
              ))}
              <td className={v ? (v.mean_delta > 0 ? 'gain' : v.mean_delta < 0 ? 'loss' : '') : ''}>
                {v ? formatDelta(v.mean_delta) : ''}
              </td>
              <td>{v ? v.p_randomization.toPrecision(2) : ''}</td>
              <td>{v ? v.p_t_test.toPrecision(2) : ''}</td>
              <td>{v ? `${v.wins} / ${v.losses}` : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
