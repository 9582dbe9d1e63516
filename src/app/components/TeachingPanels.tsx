import type { QueryView } from '../../core/experiment/session';
import { useTeaching } from '../stores/teachingStore';
import { RankTrajectory } from './RankTrajectory';
import { TeacherStudentBars } from './TeacherStudentBars';

/** Why the query moves: teacher vs student and ranks over steps for the selected query, at the shown step. */
export function TeachingPanels({ query, step }: { query: QueryView; step: number }) {
  const { teacherStudent, rankTrajectory, status, error } = useTeaching();
  if (status === 'unavailable')
    return (
      <p className="note panel" data-testid="teaching-unavailable">
        Teacher vs student and ranks over steps are recomputed from a live session: use “Re-run in the
        browser” to see them for this run.
      </p>
    );
  if (status === 'error')
    return (
      <p className="error panel" role="alert">
        The teaching views could not be computed: {error}
      </p>
    );
  // Views of another query (or of the trajectory before a what-if) wait for the current ones.
  const current = (view?: { index: number }) => view && view.index === query.index && status === 'done';
  return (
    <div className="teaching-grid">
      {current(teacherStudent) ? (
        <TeacherStudentBars view={teacherStudent!} stepIndex={step} />
      ) : (
        <div className="panel placeholder">Computing teacher vs student…</div>
      )}
      {current(rankTrajectory) ? (
        <RankTrajectory view={rankTrajectory!} stepIndex={step} />
      ) : (
        <div className="panel placeholder">Re-ranking the candidates at every step…</div>
      )}
    </div>
  );
}
