import { useMemo } from 'react';
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
import type { MetricName } from '../../../core/metrics/rankingMetrics';
import { useExplorer } from '../../stores/explorerStore';
import { usePalette } from '../../theme/theme';
import type { ExperimentResponse } from '../../workers/engineApi';
import { formatDelta, formatMetric } from '../format';
import { PanelCaption } from '../PanelCaption';

export function GainScatter({ result, metric }: { result: ExperimentResponse; metric: MetricName }) {
  const update = useExplorer((s) => s.update);
  const palette = usePalette();
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
      <PanelCaption>One dot per query: its {metric} before (x) and after (y) refinement.</PanelCaption>
      <ResponsiveContainer width="100%" height={300}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke={palette.grid} />
          <XAxis type="number" dataKey="x" domain={[0, 1]} tick={{ fontSize: 11 }} name="original" />
          <YAxis type="number" dataKey="y" domain={[0, 1]} tick={{ fontSize: 11 }} name="optimized" />
          <ReferenceLine
            segment={[
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ]}
            stroke={palette.irrelevant}
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
            fill={palette.path}
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

export function GainHistogram({ result, metric }: { result: ExperimentResponse; metric: MetricName }) {
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
  const palette = usePalette();
  return (
    <div className="panel chart" data-testid="gain-histogram">
      <h3>Distribution of {metric} gains (optimized − original)</h3>
      <PanelCaption>
        How many queries gained (right of 0) or lost (left) how much {metric} by refinement.
      </PanelCaption>
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={bins} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke={palette.grid} />
          <XAxis dataKey="label" tick={{ fontSize: 10 }} interval={4} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(v) => [v, 'queries']} labelFormatter={(l) => `gain ≈ ${l}`} />
          <ReferenceLine x={bins[Math.floor(bins.length / 2)].label} stroke={palette.irrelevant} />
          <Bar dataKey="queries" fill={palette.histogram} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
