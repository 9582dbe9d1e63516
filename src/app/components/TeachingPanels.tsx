import { useState } from 'react';
import type { QueryView } from '../../core/experiment/session';
import { useExplorer } from '../stores/explorerStore';
import { useTeaching } from '../stores/teachingStore';
import { RankTrajectory } from './RankTrajectory';
import { TeacherStudentBars } from './TeacherStudentBars';

/**
 * Why the query moves: teacher vs student and ranks over steps for the selected query, at the shown step.
 * The panels take the step's number, not its slider index: a run opened without document embeddings knows
 * them at fewer steps than its trajectory has.
 */
export function TeachingPanels({ query, step }: { query: QueryView; step: number }) {
  const { teacherStudent, rankTrajectory, status, error } = useTeaching();
  const setStep = useExplorer((s) => s.setStep);
  // A run without trajectories has one slider position (step 0); its refined step is shown on request.
  const [pinned, setPinned] = useState<{ index: number; step: number } | null>(null);
  const stepNumber =
    pinned && pinned.index === query.index && query.steps.length === 1
      ? pinned.step
      : query.steps[Math.min(step, query.steps.length - 1)];
  const showStep = (n: number) => {
    const at = query.steps.indexOf(n);
    if (at >= 0) {
      setPinned(null);
      setStep(at);
    } else setPinned({ index: query.index, step: n });
  };
  if (status === 'error')
    return (
      <p className="error panel" role="alert">
        The teaching views could not be computed: {error}
      </p>
    );
  // Views of another query (or of the trajectory before a what-if) wait for the current ones.
  const current = (view?: { index: number }) => view && view.index === query.index && status === 'done';
  const note = current(teacherStudent) ? teacherStudent!.note : undefined;
  return (
    <>
      {note && (
        <p className="note teaching-note" data-testid="teaching-note">
          {note}
        </p>
      )}
      <div className="teaching-grid">
        {current(teacherStudent) ? (
          <TeacherStudentBars view={teacherStudent!} stepNumber={stepNumber} onShowStep={showStep} />
        ) : (
          <div className="panel placeholder">Computing teacher vs student…</div>
        )}
        {current(rankTrajectory) ? (
          <RankTrajectory view={rankTrajectory!} stepNumber={stepNumber} />
        ) : (
          <div className="panel placeholder">Re-ranking the candidates at every step…</div>
        )}
      </div>
    </>
  );
}
