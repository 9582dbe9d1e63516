import { useState } from 'react';
import type { RankTrajectoryView } from '../../core/experiment/queryTeaching';
import { useExplorer } from '../stores/explorerStore';
import { usePalette } from '../theme/theme';
import { formatScore } from './format';
import { PanelCaption } from './PanelCaption';
import { useElementWidth } from './useElementWidth';
import { LegendItem } from './LegendItem';

const HEIGHT = 280;
const TOP = 10;
const BOTTOM = 22;
const LEFT = 50;
const RIGHT = 14;

/**
 * Ranks over steps: a bump chart of every relevant and every sampled document's rank at each recorded
 * step (log scale, rank 1 on top), so one sees which documents rise and when. Sampled documents are solid
 * lines ending in the teacher's ring; relevant documents the teacher did not see are dashed. The x axis is
 * the step number, so a run opened without document embeddings (ranks known at the first and last step)
 * draws straight lines between them and the shown step's marker still falls where it belongs.
 */
export function RankTrajectory({ view, stepNumber }: { view: RankTrajectoryView; stepNumber: number }) {
  const palette = usePalette();
  const threshold = useExplorer((s) => s.experiment?.teacherThreshold ?? 0.5);
  const topK = useExplorer((s) => s.view.topK);
  const [ref, width] = useElementWidth<HTMLDivElement>(480, 240);
  const [hover, setHover] = useState<{ t: number; x: number; y: number } | null>(null);
  const S = view.steps.length;
  /** The shown step's column, or -1 when its ranks are not known (between the first and the last step). */
  const s = view.steps.indexOf(stepNumber);
  const worst = Math.max(2, view.candidateCount);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const first = view.steps[0];
  const span = Math.max(1, view.steps[S - 1] - first);
  const xAt = (step: number) => LEFT + ((width - LEFT - RIGHT) * (step - first)) / span;
  const x = (i: number) => xAt(view.steps[i]);
  const y = (rank: number) => TOP + (plotHeight * Math.log(rank)) / Math.log(worst);
  /** The shaded top-k band's lower edge, labelled in the left margin (a tick label too near it gives way). */
  const topEdge = y(Math.min(topK, worst) + 0.5);
  const ticks = [1, 10, 100, 1000, 10_000, 100_000].filter((r) => r <= worst);

  const paths = view.documents.map((_, t) =>
    view.ranks
      .map((ranks, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(ranks[t]).toFixed(1)}`)
      .join(''),
  );
  // Non-sampled relevant documents first, sampled on top; the hovered one last of all.
  const drawOrder = view.documents
    .map((_, t) => t)
    .sort(
      (a, b) =>
        Number(view.documents[a].sampledIndex !== null) - Number(view.documents[b].sampledIndex !== null),
    );
  const sampledCount = view.documents.filter((d) => d.sampledIndex !== null).length;
  const relevantCount = view.documents.filter((d) => d.label > 0).length;

  const nearest = (px: number, py: number): number | null => {
    if (px < LEFT - 8 || px > width - RIGHT + 8) return null;
    // The column nearest the pointer.
    let i = 0;
    for (let c = 1; c < S; c++) if (Math.abs(x(c) - px) < Math.abs(x(i) - px)) i = c;
    let best: number | null = null;
    let bestDistance = 8;
    view.ranks[i].forEach((rank, t) => {
      const d = Math.abs(y(rank) - py);
      if (d < bestDistance) {
        bestDistance = d;
        best = t;
      }
    });
    return best;
  };

  const h = hover?.t;
  const hovered = h === undefined ? undefined : view.documents[h];
  return (
    <section className="panel rank-trajectory" aria-label="Ranks over steps">
      <h3>
        Ranks over steps{' '}
        <small>
          {relevantCount} relevant, {sampledCount} sampled of {view.candidateCount.toLocaleString()}{' '}
          candidates
        </small>
      </h3>
      <PanelCaption>
        Each line is a relevant or sampled document’s rank (log scale, 1 on top) at every step: documents rise
        as the query moves towards the teacher’s choice.
      </PanelCaption>
      <div ref={ref} className="bump-wrap">
        <svg
          width={width}
          height={HEIGHT}
          data-testid="rank-trajectory"
          data-step={stepNumber}
          data-known-steps={view.steps.join(',')}
          data-documents={view.documents.length}
          role="img"
          aria-label="rank of every relevant and sampled document at each step"
          onMouseMove={(e) => {
            const rect = e.currentTarget.getBoundingClientRect();
            const px = e.clientX - rect.left;
            const py = e.clientY - rect.top;
            const t = nearest(px, py);
            setHover(t === null ? null : { t, x: px, y: py });
          }}
          onMouseLeave={() => setHover(null)}
        >
          <rect
            x={LEFT}
            y={TOP}
            width={width - LEFT - RIGHT}
            height={topEdge - TOP}
            fill={palette.surfaceMuted}
          />
          {ticks.map((r) => (
            <g key={r}>
              <line x1={LEFT} x2={width - RIGHT} y1={y(r)} y2={y(r)} stroke={palette.grid} />
              {Math.abs(y(r) - topEdge) >= 12 && (
                <text x={LEFT - 6} y={y(r) + 4} textAnchor="end" className="axis-label">
                  {r.toLocaleString()}
                </text>
              )}
            </g>
          ))}
          <text
            x={LEFT - 6}
            y={topEdge + 4}
            textAnchor="end"
            className="axis-label"
            data-testid="top-k-label"
          >
            top {topK}
          </text>
          <text x={LEFT} y={HEIGHT - 6} className="axis-label">
            step {view.steps[0]}
          </text>
          <text x={width - RIGHT} y={HEIGHT - 6} textAnchor="end" className="axis-label">
            step {view.steps[S - 1]}
          </text>
          {drawOrder.map((t) => {
            const d = view.documents[t];
            const sampled = d.sampledIndex !== null;
            const colour = d.label > 0 ? palette.relevant : palette.irrelevant;
            const highlighted = h === t;
            return (
              <path
                key={d.candidate}
                d={paths[t]}
                data-testid="rank-line"
                data-doc-id={d.docId}
                data-rank={s < 0 ? undefined : view.ranks[s][t]}
                fill="none"
                stroke={highlighted ? palette.text : colour}
                strokeWidth={highlighted ? 2.5 : sampled ? 1.4 : 1}
                strokeDasharray={sampled ? undefined : '3 3'}
                opacity={h === undefined || highlighted ? (sampled ? 0.85 : 0.5) : 0.15}
              />
            );
          })}
          {drawOrder.map((t) => {
            const d = view.documents[t];
            if (d.sampledIndex === null || s < 0) return null;
            return (
              <circle
                key={d.candidate}
                cx={x(s)}
                cy={y(view.ranks[s][t])}
                r={3}
                fill={palette.surface}
                stroke={
                  d.teacherScore !== null && d.teacherScore > threshold
                    ? palette.teacherYes
                    : palette.teacherNo
                }
                strokeWidth={1.5}
              />
            );
          })}
          <line
            x1={xAt(stepNumber)}
            x2={xAt(stepNumber)}
            y1={TOP}
            y2={TOP + plotHeight}
            stroke={palette.stepMarker}
            strokeWidth={1.5}
          />
        </svg>
        {hovered && hover && h !== undefined && (
          <div
            className="bars-tooltip"
            style={{ left: Math.min(hover.x + 14, width - 300), top: hover.y + 14 }}
            data-testid="rank-tooltip"
          >
            <div className="doc-id">
              {hovered.docId} · {hovered.label > 0 ? 'relevant' : 'not relevant'}
              {hovered.sampledIndex !== null && ` · teacher ${formatScore(hovered.teacherScore)}`}
            </div>
            <div>
              rank {view.ranks[0][h]} → {view.ranks[S - 1][h]}
              {s >= 0 && ` (step ${stepNumber}: ${view.ranks[s][h]})`}
            </div>
            <div className="doc-text">{hovered.text}</div>
          </div>
        )}
      </div>
      <p className="legend">
        <LegendItem mark="swatch relevant">relevant</LegendItem>{' '}
        <LegendItem mark="swatch irrelevant">not relevant;</LegendItem>{' '}
        <LegendItem>solid: sampled, ring = teacher</LegendItem>{' '}
        <LegendItem mark="ring yes">relevant</LegendItem>{' '}
        <LegendItem mark="ring no">not relevant;</LegendItem>{' '}
        <LegendItem>dashed: relevant, not sampled;</LegendItem> <LegendItem>shaded: top {topK}</LegendItem>
      </p>
    </section>
  );
}
