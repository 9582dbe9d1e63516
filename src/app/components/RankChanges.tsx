import type { QueryView, RankedDocument } from '../../core/experiment/session';
import { useExplorer } from '../stores/explorerStore';
import { usePalette } from '../theme/theme';
import { PanelCaption } from './PanelCaption';
import { TableHead } from './TableHead';
import { formatScore } from './format';
import { flippedScore } from './whatIfScore';
import { LegendItem } from './LegendItem';

const ROW = 18;
const WIDTH = 360;
const LEFT = 70;
const RIGHT = WIDTH - 70;

/**
 * Rank changes of the selected query: a slope chart of the top k before and after refinement (relevant
 * documents in colour; those entering or leaving the top k called out), then the documents as rows with
 * the teacher's score beside the gold label. Clicking a sampled document's score flips it (what-if).
 */
export function RankChanges({ query }: { query: QueryView }) {
  const k = query.topK;
  const palette = usePalette();
  const readOnly = useExplorer((s) => s.openedRun !== undefined);
  const inChart = query.documents.filter((d) => d.rankBefore <= k || d.rankAfter <= k);
  const height = (k + 2) * ROW + 24;
  const y = (rank: number) => 22 + (Math.min(rank, k + 1) - 0.5) * ROW;
  const entered = inChart.filter((d) => d.rankBefore > k).length;
  const left = inChart.filter((d) => d.rankAfter > k).length;

  return (
    <section className="panel rank-changes" aria-label="Rank changes">
      <h3>
        Top {k} before → after{' '}
        <small>
          {entered} entered, {left} left the top {k}
        </small>
      </h3>
      <PanelCaption>
        Where the top {k} documents were before refinement (left) and are after it (right); the table lists
        them with the teacher’s score beside the gold label.
      </PanelCaption>
      <div className="rank-layout">
        <svg
          width={WIDTH}
          height={height}
          role="img"
          aria-label={`slope chart of the top ${k} documents before and after refinement`}
        >
          <text x={LEFT} y={12} textAnchor="middle" className="axis-label">
            before
          </text>
          <text x={RIGHT} y={12} textAnchor="middle" className="axis-label">
            after
          </text>
          <text x={WIDTH / 2} y={y(k + 1) + 4} textAnchor="middle" className="axis-label">
            below top {k}
          </text>
          {inChart.map((d) => {
            const colour = d.label > 0 ? palette.relevant : palette.irrelevant;
            const y1 = y(d.rankBefore);
            const y2 = y(d.rankAfter);
            return (
              <g key={d.candidate}>
                <title>{`${d.docId}: rank ${d.rankBefore} → ${d.rankAfter}${d.label > 0 ? ' (relevant)' : ''}`}</title>
                <line
                  x1={LEFT}
                  y1={y1}
                  x2={RIGHT}
                  y2={y2}
                  stroke={colour}
                  strokeWidth={d.label > 0 ? 2 : 1}
                  opacity={d.label > 0 ? 0.9 : 0.6}
                />
                <circle cx={LEFT} cy={y1} r={d.rankBefore > k ? 2 : 4} fill={colour} />
                <circle cx={RIGHT} cy={y2} r={d.rankAfter > k ? 2 : 4} fill={colour} />
                {d.rankBefore <= k && (
                  <text x={LEFT - 8} y={y1 + 4} textAnchor="end" className="rank-label">
                    {d.rankBefore}
                  </text>
                )}
                {d.rankAfter <= k && (
                  <text x={RIGHT + 8} y={y2 + 4} className="rank-label">
                    {d.rankAfter}
                    {d.rankBefore > k ? ' new' : ''}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
        <RankTable query={query} />
      </div>
      <p className="legend">
        <LegendItem mark="swatch relevant">relevant (gold)</LegendItem>{' '}
        <LegendItem mark="swatch irrelevant">not relevant</LegendItem>{' '}
        <LegendItem mark="ring yes">teacher: relevant</LegendItem>{' '}
        <LegendItem mark="ring no">teacher: not relevant</LegendItem>{' '}
        <LegendItem>
          {readOnly
            ? '— what-if (flipping a score) after “Re-run in the browser”'
            : '— click a teacher’s score to flip it and re-run'}
        </LegendItem>
      </p>
    </section>
  );
}

function RankTable({ query }: { query: QueryView }) {
  const edit = useExplorer((s) => s.editTeacherScore);
  const busy = useExplorer((s) => s.queryStatus === 'running');
  // An opened run is its files: no what-if until it is re-run here.
  const readOnly = useExplorer((s) => s.openedRun !== undefined);
  const threshold = useExplorer((s) => s.experiment?.teacherThreshold ?? 0.5);
  const sampledScores = query.documents.filter((d) => d.sampled).map((d) => d.teacherScore);
  return (
    <div className="rank-table-wrap">
      {query.edited && (
        <p className="note">
          Teacher scores edited (what-if).{' '}
          <button type="button" className="link" onClick={() => void edit(null)} data-testid="reset-what-if">
            Restore the teacher’s scores
          </button>
        </p>
      )}
      <table className="rank-table">
        <TableHead columns={['after', 'before', 'gold', 'teacher', 'document']} />
        <tbody>
          {query.documents.map((d) => (
            <tr
              key={d.candidate}
              data-testid="rank-row"
              data-doc-id={d.docId}
              data-rank-before={d.rankBefore}
              data-rank-after={d.rankAfter}
              data-relevant={d.label > 0}
              className={d.label > 0 ? 'relevant' : ''}
            >
              <td>{d.rankAfter}</td>
              <td className="rank-before">
                {d.rankBefore} <Movement d={d} />
              </td>
              <td>{d.label > 0 ? '✓' : ''}</td>
              <td>
                {d.sampledIndex !== null ? (
                  <button
                    type="button"
                    className={`teacher-score ${
                      d.teacherScore !== null && d.teacherScore > threshold ? 'yes' : 'no'
                    }`}
                    disabled={busy || readOnly}
                    data-testid="teacher-score"
                    title={
                      readOnly
                        ? 'An opened run is read-only: "Re-run in the browser" to flip scores (what-if)'
                        : 'What-if: flip this score (relevant ↔ not relevant) and re-run the refinement'
                    }
                    onClick={() =>
                      void edit(d.sampledIndex, flippedScore(d.teacherScore, sampledScores, threshold))
                    }
                  >
                    {formatScore(d.teacherScore)}
                  </button>
                ) : (
                  ''
                )}
              </td>
              <td className="doc-text" title={d.text}>
                {d.text}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Movement({ d }: { d: RankedDocument }) {
  const delta = d.rankBefore - d.rankAfter;
  if (delta === 0) return null;
  return <span className={delta > 0 ? 'gain' : 'loss'}>{delta > 0 ? `▲${delta}` : `▼${-delta}`}</span>;
}
