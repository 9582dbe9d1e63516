import { create } from 'zustand';
import type { RankTrajectoryView, TeacherStudentView } from '../../core/experiment/queryTeaching';
import type { QueryView } from '../../core/experiment/session';
import { CancelledError } from '../workers/rpc';
import { engineClient, useExplorer } from './explorerStore';

type Status = 'idle' | 'running' | 'done' | 'error';

/**
 * The teaching views of the selected query (teacher vs student, ranks over steps), from the worker: of the
 * live session, or of a run opened from its files.
 */
interface TeachingState {
  teacherStudent?: TeacherStudentView;
  rankTrajectory?: RankTrajectoryView;
  status: Status;
  error?: string;
}

export const useTeaching = create<TeachingState>(() => ({ status: 'idle' }));

let controller: AbortController | undefined;

/** Loads both views for a query view; a newer query view (another query, a what-if) drops the older answer. */
async function load(query: QueryView): Promise<void> {
  controller?.abort();
  const own = (controller = new AbortController());
  useTeaching.setState({ status: 'running', error: undefined });
  try {
    const client = engineClient();
    const [teacherStudent, rankTrajectory] = await Promise.all([
      client.call('teacherStudent', { index: query.index }, { signal: own.signal }),
      client.call('rankTrajectory', { index: query.index }, { signal: own.signal }),
    ]);
    if (!own.signal.aborted) useTeaching.setState({ teacherStudent, rankTrajectory, status: 'done' });
  } catch (e) {
    if (!(e instanceof CancelledError) && !own.signal.aborted)
      useTeaching.setState({ status: 'error', error: e instanceof Error ? e.message : String(e) });
  }
}

// Every new query view (a selection, a new run, a what-if re-run) has a new trajectory.
useExplorer.subscribe((state, previous) => {
  if (state.query === previous.query) return;
  if (state.query) void load(state.query);
  else {
    controller?.abort();
    useTeaching.setState({ teacherStudent: undefined, rankTrajectory: undefined, status: 'idle' });
  }
});
