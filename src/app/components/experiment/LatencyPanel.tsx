import { LATENCY_STAGES } from '../../../core/experiment/latencyStages';
import { useExplorer } from '../../stores/explorerStore';
import { TableHead } from '../TableHead';
import { TaskStatus } from '../TaskStatus';

/** The per-query latency report (as `--measure-latency`), measured on demand in the compute worker. */
export function LatencyPanel() {
  const measure = useExplorer((s) => s.measureLatency);
  const status = useExplorer((s) => s.latencyStatus);
  const progress = useExplorer((s) => s.latencyProgress);
  const error = useExplorer((s) => s.latencyError);
  const report = useExplorer((s) => s.latency);
  return (
    <section className="panel" data-testid="latency-panel">
      <h3>
        Latency per query{' '}
        <small>
          one query at a time after warm-up: embed the query, rank, ask the teacher, refine, re-score (ms)
        </small>
      </h3>
      <div className="actions">
        <button
          type="button"
          onClick={() => void measure()}
          disabled={status === 'running'}
          data-testid="measure-latency"
        >
          {report ? 'Measure again' : 'Measure latency'}
        </button>
        <TaskStatus status={status} progress={progress} error={error} />
      </div>
      {report && (
        <>
          <table data-testid="latency-table">
            <TableHead columns={['stage', 'mean', 'median', 'min', 'max']} />
            <tbody>
              {LATENCY_STAGES.map((stage) => (
                <tr key={stage} data-stage={stage}>
                  <td>{stage}</td>
                  <td data-stat="mean">{report.stages[stage].mean.toFixed(2)}</td>
                  <td>{report.stages[stage].median.toFixed(2)}</td>
                  <td>{report.stages[stage].min.toFixed(2)}</td>
                  <td>{report.stages[stage].max.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="legend">
            {report.queries} queries measured after {report.warmup_queries} warm-up queries.{' '}
            {report.notes.join('. ')}.
          </p>
        </>
      )}
    </section>
  );
}
