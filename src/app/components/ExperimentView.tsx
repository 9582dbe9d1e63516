import { useEffect, useMemo, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ComputationType } from '../../core/experiment/config';
import type { TypeSummary } from '../../core/experiment/outputs';
import { LATENCY_STAGES } from '../../core/experiment/latency';
import type { MetricName } from '../../core/metrics/rankingMetrics';
import type { SavedRun } from '../storage/runHistory';
import { useExplorer } from '../stores/explorerStore';
import type { ExperimentResponse } from '../workers/engineApi';
import { formatDelta, formatMetric } from './format';

const HEADLINE: { name: MetricName; label: string }[] = [
  { name: 'map', label: 'MAP' },
  { name: 'ndcg_at_10', label: 'nDCG@10' },
  { name: 'roc_auc', label: 'ROC AUC' },
  { name: 'mrr', label: 'MRR' },
  { name: 'precision_at_10', label: 'P@10' },
  { name: 'recall_at_50', label: 'R@50' },
];

/**
 * The whole run: mean metrics per computation type with paired deltas and significance, every query's
 * metric before and after (scatter: click a query to explore it), the distribution of gains, and the runs
 * kept in this browser, two of which can be compared side by side.
 */
export function ExperimentView({ result }: { result: ExperimentResponse }) {
  const metric = useExplorer((s) => s.view.metric);
  return (
    <section className="experiment-view">
      <div className="experiment-head">
        <h2>
          {result.summary.dataset}: {result.summary.queries} queries,{' '}
          {result.summary.documents.toLocaleString()} documents
          <small> (embedding dims {result.embeddingDims})</small>
        </h2>
        <ExportButton />
      </div>
      <SummaryTable types={result.summary.types} />
      <div className="chart-row">
        <GainScatter result={result} metric={metric} />
        <GainHistogram result={result} metric={metric} />
      </div>
      <LatencyPanel />
      <RunHistory />
    </section>
  );
}

/** The per-query latency report (as `--measure-latency`), measured on demand in the compute worker. */
function LatencyPanel() {
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
        {status === 'running' && progress && (
          <span className="progress">
            <progress value={progress.done / Math.max(1, progress.total)} max={1} /> {progress.stage}{' '}
            {progress.done}/{progress.total}
          </span>
        )}
        {status === 'error' && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </div>
      {report && (
        <>
          <table data-testid="latency-table">
            <thead>
              <tr>
                <th>stage</th>
                <th>mean</th>
                <th>median</th>
                <th>min</th>
                <th>max</th>
              </tr>
            </thead>
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

/** Downloads the run as one zip holding the same files as the command line's output folder. */
function ExportButton() {
  const exportRun = useExplorer((s) => s.exportRun);
  const status = useExplorer((s) => s.exportStatus);
  const progress = useExplorer((s) => s.exportProgress);
  const error = useExplorer((s) => s.exportError);
  return (
    <div className="export">
      <button
        type="button"
        onClick={() => void exportRun()}
        disabled={status === 'running'}
        data-testid="export-zip"
      >
        Download run (.zip)
      </button>
      <small>config, results and raw scores (CSV, Parquet), TREC run files, summary, trajectories</small>
      {status === 'running' && progress && (
        <span className="progress">
          <progress value={progress.done / Math.max(1, progress.total)} max={1} /> {progress.stage}
        </span>
      )}
      {status === 'error' && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function SummaryTable({ types }: { types: Partial<Record<ComputationType, TypeSummary>> }) {
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
                <td key={m.name} data-metric={m.name}>
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

function GainScatter({ result, metric }: { result: ExperimentResponse; metric: MetricName }) {
  const update = useExplorer((s) => s.update);
  const data = result.queries.map((q) => ({
    id: q.id,
    text: q.text,
    x: q.metrics.original?.[metric] ?? NaN,
    y: q.metrics.optimized?.[metric] ?? NaN,
  }));
  return (
    <div className="panel chart" data-testid="gain-scatter">
      <h3>
        {metric} per query: original (x) vs optimized (y){' '}
        <small>above the diagonal = refinement helped; click to explore</small>
      </h3>
      <ResponsiveContainer width="100%" height={300}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis type="number" dataKey="x" domain={[0, 1]} tick={{ fontSize: 11 }} name="original" />
          <YAxis type="number" dataKey="y" domain={[0, 1]} tick={{ fontSize: 11 }} name="optimized" />
          <ReferenceLine
            segment={[
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ]}
            stroke="#94a3b8"
            strokeDasharray="4 4"
          />
          <Tooltip
            cursor={false}
            content={({ payload }) => {
              const p = payload?.[0]?.payload as (typeof data)[number] | undefined;
              return p ? (
                <div className="chart-tooltip">
                  <strong>{p.text}</strong>
                  <div>
                    {formatMetric(p.x)} → {formatMetric(p.y)} ({formatDelta(p.y - p.x)})
                  </div>
                </div>
              ) : null;
            }}
          />
          <Scatter
            data={data}
            fill="#6d28d9"
            fillOpacity={0.7}
            isAnimationActive={false}
            onClick={(point: { payload?: { id?: string } }) =>
              point.payload?.id && update({ query: point.payload.id, tab: 'explorer' })
            }
            cursor="pointer"
          />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}

function GainHistogram({ result, metric }: { result: ExperimentResponse; metric: MetricName }) {
  const bins = useMemo(() => {
    const gains = result.queries
      .map((q) => (q.metrics.optimized?.[metric] ?? NaN) - (q.metrics.original?.[metric] ?? NaN))
      .filter((g) => !Number.isNaN(g));
    const extent = Math.max(0.01, ...gains.map(Math.abs));
    const count = 21;
    const width = (2 * extent) / count;
    const out = Array.from({ length: count }, (_, i) => ({ from: -extent + i * width, queries: 0 }));
    for (const g of gains) out[Math.min(count - 1, Math.floor((g + extent) / width))].queries++;
    return out.map((b) => ({
      ...b,
      label: (Math.abs(b.from + width / 2) < 5e-4 ? 0 : b.from + width / 2).toFixed(3),
    }));
  }, [result, metric]);
  return (
    <div className="panel chart" data-testid="gain-histogram">
      <h3>Distribution of {metric} gains (optimized − original)</h3>
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={bins} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="label" tick={{ fontSize: 10 }} interval={4} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(v) => [v, 'queries']} labelFormatter={(l) => `gain ≈ ${l}`} />
          <ReferenceLine x={bins[Math.floor(bins.length / 2)].label} stroke="#94a3b8" />
          <Bar dataKey="queries" fill="#0f766e" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function RunHistory() {
  const history = useExplorer((s) => s.history);
  const historyError = useExplorer((s) => s.historyError);
  const refresh = useExplorer((s) => s.refreshHistory);
  const remove = useExplorer((s) => s.deleteRun);
  const current = useExplorer((s) => s.currentRunId);
  const [selected, setSelected] = useState<string[]>([]);

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
        <thead>
          <tr>
            <th />
            <th>when</th>
            <th>dataset</th>
            <th>embedding</th>
            <th>teacher</th>
            <th>lr / steps / scored</th>
            <th>MAP original → optimized</th>
            <th />
          </tr>
        </thead>
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
              <td>{run.settings.embeddingModel}</td>
              <td>{run.settings.teacher}</td>
              <td>
                {run.settings.method.lr} / {run.settings.method.numSteps} / {run.settings.method.totalScores}
              </td>
              <td>
                {formatMetric(run.summary.types.original?.mean.map)} →{' '}
                {formatMetric(run.summary.types.optimized?.mean.map)}
              </td>
              <td>
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

function RunComparison({ a, b }: { a: SavedRun; b: SavedRun }) {
  const types = [
    ...new Set([...Object.keys(a.summary.types), ...Object.keys(b.summary.types)]),
  ] as ComputationType[];
  return (
    <table className="comparison" data-testid="run-comparison">
      <thead>
        <tr>
          <th>type · metric</th>
          <th>
            run A ({a.settings.embeddingModel}, {a.settings.teacher})
          </th>
          <th>
            run B ({b.settings.embeddingModel}, {b.settings.teacher})
          </th>
          <th>B − A</th>
        </tr>
      </thead>
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
