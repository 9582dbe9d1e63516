import { useMemo, useState } from 'react';
import { METRIC_NAMES, type MetricName } from '../../core/metrics/rankingMetrics';
import { useExplorer } from '../stores/explorerStore';
import { formatDelta, formatMetric } from './format';

type Sort = 'gain' | 'loss' | 'before' | 'name';

/** Every query with its metric before and after refinement: searchable, sortable by gain; click to open. */
export function QueryList() {
  const experiment = useExplorer((s) => s.experiment);
  const selected = useExplorer((s) => s.view.query);
  const metric = useExplorer((s) => s.view.metric);
  const update = useExplorer((s) => s.update);
  const selectQuery = useExplorer((s) => s.selectQuery);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('gain');

  const rows = useMemo(() => {
    if (!experiment) return [];
    const needle = search.trim().toLowerCase();
    const all = experiment.queries.map((q) => {
      const before = q.metrics.original?.[metric] ?? NaN;
      const after = q.metrics.optimized?.[metric] ?? NaN;
      return { id: q.id, text: q.text, before, after, gain: after - before };
    });
    const filtered = needle
      ? all.filter((r) => r.text.toLowerCase().includes(needle) || r.id.toLowerCase().includes(needle))
      : all;
    const key: Record<Sort, (a: (typeof all)[number], b: (typeof all)[number]) => number> = {
      gain: (a, b) => b.gain - a.gain,
      loss: (a, b) => a.gain - b.gain,
      before: (a, b) => a.before - b.before,
      name: (a, b) => a.text.localeCompare(b.text),
    };
    return filtered.sort(key[sort]);
  }, [experiment, metric, search, sort]);

  if (!experiment) return <aside className="query-list panel">Queries appear here after the run.</aside>;
  return (
    <aside className="query-list panel" aria-label="Queries">
      <div className="query-list-controls">
        <input
          type="search"
          placeholder={`Search ${experiment.queries.length} queries`}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="Search queries"
        />
        <div className="row">
          <select
            value={metric}
            onChange={(e) => update({ metric: e.target.value as MetricName })}
            aria-label="Metric"
          >
            {METRIC_NAMES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} aria-label="Sort">
            <option value="gain">largest gain</option>
            <option value="loss">largest loss</option>
            <option value="before">worst before</option>
            <option value="name">by text</option>
          </select>
        </div>
      </div>
      <div className="query-list-head">
        <span>query</span>
        <span>before</span>
        <span>after</span>
        <span>Δ</span>
      </div>
      <ul>
        {rows.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={r.id === selected ? 'selected' : ''}
              onClick={() => selectQuery(r.id)}
              data-testid="query-row"
              data-query-id={r.id}
              title={r.text}
            >
              <span className="text">{r.text}</span>
              <span>{formatMetric(r.before)}</span>
              <span>{formatMetric(r.after)}</span>
              <span className={r.gain > 0 ? 'gain' : r.gain < 0 ? 'loss' : ''}>{formatDelta(r.gain)}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
