import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { QueryView } from '../../core/experiment/session';

/** The KL loss before each optimisation step, with the step shown on the map marked. */
export function LossCurve({ query, step }: { query: QueryView; step: number }) {
  const data = query.lossPerStep.map((loss, i) => ({ step: i, loss }));
  const shownStep = query.steps[step] ?? 0;
  return (
    <section className="panel loss-curve" aria-label="Loss curve">
      <h3>Loss (KL to the teacher) per step</h3>
      <ResponsiveContainer width="100%" height={150}>
        <LineChart data={data} margin={{ top: 5, right: 12, bottom: 5, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            dataKey="step"
            type="number"
            domain={[0, Math.max(1, data.length - 1)]}
            tick={{ fontSize: 11 }}
          />
          <YAxis
            tick={{ fontSize: 11 }}
            width={56}
            tickFormatter={(v: number) => v.toPrecision(3)}
            domain={['auto', 'auto']}
          />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : String(v))}
            labelFormatter={(s) => `step ${s}`}
          />
          <Line
            type="monotone"
            dataKey="loss"
            stroke="#6d28d9"
            dot={false}
            isAnimationActive={false}
            strokeWidth={2}
          />
          <ReferenceLine x={Math.min(shownStep, Math.max(0, data.length - 1))} stroke="#f59e0b" />
        </LineChart>
      </ResponsiveContainer>
    </section>
  );
}
