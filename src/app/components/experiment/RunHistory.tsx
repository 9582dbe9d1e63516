import { useEffect, useState } from 'react';
import type { ComputationType } from '../../../core/experiment/config';
import { recordedEmbedding, type RunSpec } from '../../../core/experiment/runSpec';
import { savedRunUnavailable } from '../../runs/rerunSettings';
import { runSpecDifferences } from '../../runs/runSpecFields';
import type { SavedRun } from '../../storage/runHistory';
import { useExplorer } from '../../stores/explorerStore';
import { formatDelta, formatMetric } from '../format';
import { TableHead } from '../TableHead';
import { HEADLINE } from './headlineMetrics';

export function RunHistory() {
  const history = useExplorer((s) => s.history);
  const historyError = useExplorer((s) => s.historyError);
  const refresh = useExplorer((s) => s.refreshHistory);
  const remove = useExplorer((s) => s.deleteRun);
  const rerun = useExplorer((s) => s.rerunSaved);
  const busy = useExplorer((s) => s.status === 'running');
  const serverDatasets = useExplorer((s) => s.serverDatasets);
  /** Why a run cannot be re-run here (shown on its disabled button), or null. */
  const unavailable = (run: SavedRun) => savedRunUnavailable(run.spec, serverDatasets);
  const current = useExplorer((s) => s.currentRunId);
  const [selected, setSelected] = useState<string[]>([]);
  // After "Re-run in the browser": the opened run and its re-run, side by side.
  const compareRunIds = useExplorer((s) => s.compareRunIds);
  const [shownCompare, setShownCompare] = useState<[string, string]>();
  if (compareRunIds !== shownCompare) {
    setShownCompare(compareRunIds);
    if (compareRunIds) setSelected([...compareRunIds]);
  }

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s.slice(-1), id]));
  const compared = selected.map((id) => history.find((r) => r.id === id)).filter((r): r is SavedRun => !!r);

  return (
    <section className="panel run-history" data-testid="run-history">
      <h3>
        Runs kept in this browser <small>tick two to compare them side by side</small>
      </h3>
      {historyError && <p className="error">{historyError}</p>}
      <table>
        <TableHead
          columns={[
            '',
            'when',
            'dataset',
            'embedding',
            'teacher',
            'lr / steps / scored',
            'MAP original → optimized',
            '',
          ]}
        />
        <tbody>
          {history.map((run) => (
            <tr key={run.id} data-testid="history-row" className={run.id === current ? 'current' : ''}>
              <td>
                <input
                  type="checkbox"
                  checked={selected.includes(run.id)}
                  onChange={() => toggle(run.id)}
                  aria-label="compare"
                />
              </td>
              <td>{new Date(run.createdAt).toLocaleString()}</td>
              <td>{run.summary.dataset}</td>
              <td>{embeddingOf(run.spec)}</td>
              <td>{run.spec.teacher}</td>
              <td>
                {run.spec.method.lr} / {run.spec.method.numSteps} / {run.spec.method.totalScores}
              </td>
              <td>
                {formatMetric(run.summary.types.original?.mean.map)} →{' '}
                {formatMetric(run.summary.types.optimized?.mean.map)}
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => rerun(run.id)}
                  disabled={busy || unavailable(run) !== null}
                  title={unavailable(run) ?? "run this run's settings here again, then compare the two"}
                  data-testid="rerun-saved"
                >
                  re-run
                </button>{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => void remove(run.id)}
                  data-testid="delete-run"
                >
                  delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {compared.length === 2 && <RunComparison a={compared[0]} b={compared[1]} />}
    </section>
  );
}

/** The embedding model, with the dtype and pooling of a transformers.js model. */
function embeddingOf(spec: RunSpec): string {
  const embedding = recordedEmbedding(spec);
  if (!embedding) return spec.embeddingModel;
  return `${spec.embeddingModel} (${[embedding.dtype, embedding.pooling].filter(Boolean).join(', ')})`;
}

function RunComparison({ a, b }: { a: SavedRun; b: SavedRun }) {
  const types = [
    ...new Set([...Object.keys(a.summary.types), ...Object.keys(b.summary.types)]),
  ] as ComputationType[];
  const differences = runSpecDifferences(a.spec, b.spec);
  return (
    <>
      <table className="comparison" data-testid="run-differences">
        <TableHead columns={['setting', 'run A', 'run B']} />
        <tbody>
          {differences.length === 0 ? (
            <tr>
              <td colSpan={3}>the same settings</td>
            </tr>
          ) : (
            differences.map((d) => (
              <tr key={d.label} data-setting={d.label}>
                <td>{d.label}</td>
                <td>{d.a}</td>
                <td>{d.b}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <MetricComparison a={a} b={b} types={types} />
    </>
  );
}

function MetricComparison({ a, b, types }: { a: SavedRun; b: SavedRun; types: ComputationType[] }) {
  return (
    <table className="comparison" data-testid="run-comparison">
      <TableHead
        columns={[
          'type · metric',
          `run A (${embeddingOf(a.spec)}, ${a.spec.teacher})`,
          `run B (${embeddingOf(b.spec)}, ${b.spec.teacher})`,
          'B − A',
        ]}
      />
      <tbody>
        {types.flatMap((type) =>
          HEADLINE.map((m) => {
            const va = a.summary.types[type]?.mean[m.name];
            const vb = b.summary.types[type]?.mean[m.name];
            const d = va !== undefined && vb !== undefined ? vb - va : NaN;
            return (
              <tr key={`${type}-${m.name}`}>
                <td>
                  {type} · {m.label}
                </td>
                <td>{formatMetric(va)}</td>
                <td>{formatMetric(vb)}</td>
                <td className={d > 0 ? 'gain' : d < 0 ? 'loss' : ''}>{formatDelta(d)}</td>
              </tr>
            );
          }),
        )}
      </tbody>
    </table>
  );
}
