import { useEffect, useMemo, useRef, useState } from 'react';
import { METRIC_NAMES, type MetricName } from '../../core/metrics/rankingMetrics';
import { useKeyCommands } from '../keyboard/useKeyCommands';
import { useExplorer } from '../stores/explorerStore';
import { formatDelta, formatMetric } from './format';
import { PanelCaption } from './PanelCaption';

type Sort = 'gain' | 'loss' | 'before' | 'name';

/**
 * Every query with its metric before and after refinement: searchable, sortable by gain; click to open.
 * Keyboard: j/k open the next/previous query in the list's order.
 */
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

  const move = (by: number) => {
    if (rows.length === 0) return;
    const at = rows.findIndex((r) => r.id === selected);
    const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + by));
    if (rows[next].id !== selected) selectQuery(rows[next].id);
  };
  useKeyCommands({ 'next-query': () => move(1), 'previous-query': () => move(-1) });
  const listRef = useRef<HTMLUListElement>(null);
  // Keep the selected query in sight when j/k (or a link) selects one outside the scrolled list.
  useEffect(() => {
    listRef.current?.querySelector('button.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected, rows]);

  if (!experiment) return <aside className="query-list panel">Queries appear here after the run.</aside>;
  return (
    <aside className="query-list panel" aria-label="Queries">
      <PanelCaption>
        Every query, its metric before and after refinement; j/k step through the list.
      </PanelCaption>
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
      <ul ref={listRef}>
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
