import { useMemo, useState, type ReactNode } from 'react';
import type { TeacherStudentView } from '../../core/experiment/queryTeaching';
import { useExplorer } from '../stores/explorerStore';
import { usePalette } from '../theme/theme';
import { formatScore } from './format';
import { PanelCaption } from './PanelCaption';
import { useElementWidth } from './useElementWidth';
import { LegendItem } from './LegendItem';

const CHART_HEIGHT = 96;
const TOP = 6;
const LEFT = 34;
const RIGHT = 8;

/**
 * The loss made visible: the teacher's distribution p over the sampled documents (fixed) above the
 * student's r at the shown step (`stepNumber`), one column per document in the same order (the teacher's
 * favourites first), on one scale, with the KL between them. Moves with the step slider and Play. A run
 * opened without document embeddings knows r at its first and last step only: in between, a note says so
 * and `onShowStep` jumps to a step it knows.
 */
export function TeacherStudentBars({
  view,
  stepNumber,
  onShowStep,
}: {
  view: TeacherStudentView;
  stepNumber: number;
  onShowStep: (step: number) => void;
}) {
  const palette = usePalette();
  const threshold = useExplorer((s) => s.experiment?.teacherThreshold ?? 0.5);
  const [ref, width] = useElementWidth<HTMLDivElement>(480, 240);
  const [hover, setHover] = useState<number | null>(null);
  const K = view.p.length;
  const known = view.steps.indexOf(stepNumber);
  const student = known < 0 ? undefined : view.perStep[known];

  // Columns: highest p first, then the closest documents at the start; kept for every step.
  const order = useMemo(
    () =>
      Array.from({ length: K }, (_, k) => k).sort(
        (a, b) => view.p[b] - view.p[a] || view.perStep[0].cosines[b] - view.perStep[0].cosines[a],
      ),
    [view, K],
  );
  // One scale for both charts and all steps, so that bars grow and shrink as the query moves.
  const top = useMemo(() => Math.max(...view.p, ...view.perStep.flatMap((step) => step.r)), [view]);

  if (K === 0)
    return (
      <section className="panel teacher-student" aria-label="Teacher vs student">
        <h3>Teacher vs student</h3>
        <p className="note">The teacher scored none of this query’s sampled documents: nothing to match.</p>
      </section>
    );

  const plotWidth = width - LEFT - RIGHT;
  const column = plotWidth / K;
  const barWidth = Math.max(1, column * 0.72);
  const y = (v: number) => TOP + CHART_HEIGHT * (1 - v / top);
  const x = (position: number) => LEFT + position * column + (column - barWidth) / 2;
  const hovered = hover === null ? null : view.documents[hover];

  const axis = (
    <>
      <line x1={LEFT} x2={width - RIGHT} y1={y(0)} y2={y(0)} stroke={palette.border} />
      <text x={LEFT - 4} y={y(top) + 4} textAnchor="end" className="axis-label">
        {top.toFixed(2)}
      </text>
      <text x={LEFT - 4} y={y(0)} textAnchor="end" className="axis-label">
        0
      </text>
    </>
  );
  /** One of the two charts: a hover band per column (the tooltip), the axis, the bars. */
  const chart = (testId: string, label: string, bars: (k: number, position: number) => ReactNode) => (
    <svg
      width={width}
      height={CHART_HEIGHT + TOP + 8}
      data-testid={testId}
      data-step={stepNumber}
      role="img"
      aria-label={label}
    >
      {order.map((k, position) => (
        <rect
          key={`hover-${k}`}
          x={LEFT + position * column}
          y={0}
          width={column}
          height={CHART_HEIGHT + TOP + 8}
          fill={hover === k ? palette.hover : 'transparent'}
          onMouseEnter={() => setHover(k)}
        />
      ))}
      {axis}
      {order.map((k, position) => (
        <g key={k} pointerEvents="none">
          {bars(k, position)}
        </g>
      ))}
    </svg>
  );
  /** Document k's bar of height `value` in column `position`. */
  const bar = (testId: string, k: number, position: number, value: number, fill: string) => (
    <rect
      data-testid={testId}
      data-doc-id={view.documents[k].docId}
      data-value={value}
      x={x(position)}
      y={y(value)}
      width={barWidth}
      height={y(0) - y(value)}
      fill={fill}
    />
  );

  return (
    <section className="panel teacher-student" aria-label="Teacher vs student">
      <h3>
        Teacher vs student at step {stepNumber}{' '}
        {student && (
          <small data-testid="step-kl" data-step={stepNumber} data-value={student.kl}>
            KL(p‖r) = {student.kl.toPrecision(4)}
          </small>
        )}
      </h3>
      <PanelCaption>
        {view.refit
          ? 'ReFIT: p = softmax(min-max(s) ÷ 2), r = softmax(min-max(cos)); the loss is the gap between the rows.'
          : 'p = softmax(teacher scores), r = softmax(query–document cosines); the loss is the gap between the rows.'}
      </PanelCaption>
      <div ref={ref} className="bars-wrap" onMouseLeave={() => setHover(null)}>
        <div className="bars-label">teacher p{view.refit ? ' (ReFIT)' : ''}</div>
        {chart(
          'teacher-distribution',
          "the teacher's distribution over the sampled documents",
          (k, position) =>
            bar(
              'teacher-bar',
              k,
              position,
              view.p[k],
              view.teacherScores[k] > threshold ? palette.teacherYes : palette.teacherNo,
            ),
        )}
        <div className="bars-label">student r at step {stepNumber}</div>
        {student ? (
          chart(
            'student-distribution',
            "the student's distribution over the sampled documents at the shown step",
            (k, position) => (
              <>
                {bar('student-bar', k, position, student.r[k], palette.path)}
                {/* The teacher's p for the same document: the target the bar is pulled towards. */}
                <line
                  x1={x(position) - 1}
                  x2={x(position) + barWidth + 1}
                  y1={y(view.p[k])}
                  y2={y(view.p[k])}
                  stroke={palette.text}
                  strokeWidth={1.5}
                />
                <circle
                  cx={x(position) + barWidth / 2}
                  cy={CHART_HEIGHT + TOP + 4}
                  r={2.5}
                  fill={view.documents[k].label > 0 ? palette.relevant : palette.irrelevant}
                />
              </>
            ),
          )
        ) : (
          <div
            className="student-unknown"
            style={{ height: CHART_HEIGHT + TOP + 8 }}
            data-testid="student-unknown"
            data-step={stepNumber}
          >
            <p>
              The student’s r at step {stepNumber} needs the query’s cosines with these documents, which this
              run’s files hold at {view.steps.map((n) => `step ${n}`).join(' and ')} only.
            </p>
            <p>
              {view.steps.map((n) => (
                <button key={n} type="button" onClick={() => onShowStep(n)} data-testid="show-known-step">
                  Show step {n}
                </button>
              ))}
            </p>
          </div>
        )}
        {hovered && hover !== null && (
          <div className="bars-tooltip" data-testid="bars-tooltip">
            <div className="doc-id">
              {hovered.docId} · {hovered.label > 0 ? 'relevant' : 'not relevant'} · teacher{' '}
              {formatScore(view.teacherScores[hover])}
              {view.refit && ` → ${formatScore(view.teacherLogits[hover])}`}
            </div>
            <div>
              p = {view.p[hover].toPrecision(3)}
              {student && (
                <>
                  {' '}
                  · cos = {student.cosines[hover].toPrecision(3)}
                  {view.refit && ` → ${student.logits[hover].toPrecision(3)}`} · r ={' '}
                  {student.r[hover].toPrecision(3)}
                </>
              )}
            </div>
            <div className="doc-text">{hovered.text}</div>
          </div>
        )}
      </div>
      <p className="legend">
        <LegendItem mark="swatch teacher-yes">teacher: relevant</LegendItem>
        <LegendItem mark="swatch teacher-no">teacher: not relevant</LegendItem>
        <LegendItem mark="swatch student">student (the query)</LegendItem>
        <LegendItem mark="target-mark">teacher’s p</LegendItem>
        <LegendItem mark="swatch relevant small">gold relevant</LegendItem>
        <LegendItem mark="swatch irrelevant small">gold not relevant</LegendItem>
      </p>
    </section>
  );
}
