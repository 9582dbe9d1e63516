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
import { usePalette } from '../theme/theme';
import { PanelCaption } from './PanelCaption';

/** The KL loss before each optimisation step, with the step shown on the map marked. */
export function LossCurve({ query, step }: { query: QueryView; step: number }) {
  const data = query.lossPerStep.map((loss, i) => ({ step: i, loss }));
  const shownStep = query.steps[step] ?? 0;
  const palette = usePalette();
  return (
    <section className="panel loss-curve" aria-label="Loss curve">
      <h3>Loss (KL to the teacher) per step</h3>
      <PanelCaption>
        How far the student’s distribution still is from the teacher’s; each Adam step lowers it.
      </PanelCaption>
      <ResponsiveContainer width="100%" height={150}>
        <LineChart data={data} margin={{ top: 5, right: 12, bottom: 5, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={palette.grid} />
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
            stroke={palette.path}
            dot={false}
            isAnimationActive={false}
            strokeWidth={2}
          />
          <ReferenceLine x={Math.min(shownStep, Math.max(0, data.length - 1))} stroke={palette.stepMarker} />
        </LineChart>
      </ResponsiveContainer>
    </section>
  );
}
