import { useMemo, useState } from 'react';
import type { ComputationType } from '../../core/experiment/config';
import type { MetricName } from '../../core/metrics/rankingMetrics';
import type { ExperimentResponse } from '../workers/engineApi';
import { useExplorer } from '../stores/explorerStore';

const HEADLINE: { name: MetricName; label: string }[] = [
  { name: 'map', label: 'MAP' },
  { name: 'ndcg_at_10', label: 'nDCG@10' },
  { name: 'roc_auc', label: 'ROC AUC' },
  { name: 'precision_at_10', label: 'P@10' },
];

const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);

/** The run's mean metrics per computation type, and every query's MAP before and after (click to explore). */
export function ResultsView({ result }: { result: ExperimentResponse }) {
  const [sortByGain, setSortByGain] = useState(true);
  const update = useExplorer((s) => s.update);
  const types = Object.keys(result.summary.types) as ComputationType[];
  const rows = useMemo(() => {
    const withGain = result.queries.map((q) => ({
      ...q,
      gain: (q.metrics.optimized?.map ?? NaN) - (q.metrics.original?.map ?? NaN),
    }));
    return sortByGain ? withGain.sort((a, b) => b.gain - a.gain) : withGain;
  }, [result, sortByGain]);

  return (
    <section className="results">
      <h2>
        {result.summary.dataset}: {result.summary.queries} queries, {result.summary.documents} documents
        <small> (embedding dims {result.embeddingDims})</small>
      </h2>
      <table data-testid="summary-table">
        <thead>
          <tr>
            <th>type</th>
            {HEADLINE.map((m) => (
              <th key={m.name}>{m.label}</th>
            ))}
            <th>Δ MAP vs original</th>
            <th>p</th>
          </tr>
        </thead>
        <tbody>
          {types.map((type) => {
            const s = result.summary.types[type]!;
            return (
              <tr key={type} data-type={type}>
                <td>{type}</td>
                {HEADLINE.map((m) => (
                  <td key={m.name} data-metric={m.name}>
                    {fmt(s.mean[m.name])}
                  </td>
                ))}
                <td>{s.vs_original ? signed(s.vs_original.map.mean_delta) : ''}</td>
                <td>{s.vs_original ? s.vs_original.map.p_randomization.toPrecision(2) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>
        Per query{' '}
        <button type="button" className="link" onClick={() => setSortByGain(!sortByGain)}>
          {sortByGain ? 'sorted by MAP gain' : 'in dataset order'}
        </button>
      </h3>
      <table data-testid="query-table">
        <thead>
          <tr>
            <th>query</th>
            <th>MAP original</th>
            <th>MAP optimized</th>
            <th>gain</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((q) => (
            <tr key={q.id}>
              <td title={q.id}>
                <button
                  type="button"
                  className="link"
                  onClick={() => update({ query: q.id, tab: 'explorer' })}
                >
                  {q.text}
                </button>
              </td>
              <td>{fmt(q.metrics.original?.map)}</td>
              <td>{fmt(q.metrics.optimized?.map)}</td>
              <td className={q.gain > 0 ? 'gain' : q.gain < 0 ? 'loss' : ''}>
                {Number.isNaN(q.gain) ? '–' : signed(q.gain)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
