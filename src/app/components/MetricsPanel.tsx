import { METRIC_NAMES } from '../../core/metrics/rankingMetrics';
import type { QueryView } from '../../core/experiment/session';
import { formatDelta, formatMetric } from './format';
import { PanelCaption } from './PanelCaption';
import { TableHead } from './TableHead';

/** Every metric of the selected query before and after refinement, with deltas. */
export function MetricsPanel({ query }: { query: QueryView }) {
  return (
    <section className="panel metrics-panel" aria-label="Metrics">
      <h3>Metrics</h3>
      <PanelCaption>This query’s ranking against the gold labels, before and after refinement.</PanelCaption>
      <table>
        <TableHead columns={['metric', 'before', 'after', 'Δ']} />
        <tbody>
          {METRIC_NAMES.map((m) => {
            const before = query.metricsBefore[m];
            const after = query.metricsAfter[m];
            const delta = after - before;
            return (
              <tr key={m}>
                <td>{m}</td>
                <td data-testid="metric-before" data-metric={m} data-value={before}>
                  {formatMetric(before)}
                </td>
                <td data-testid="metric-after" data-metric={m} data-value={after}>
                  {formatMetric(after)}
                </td>
                <td className={delta > 1e-12 ? 'gain' : delta < -1e-12 ? 'loss' : ''}>
                  {formatDelta(delta)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
