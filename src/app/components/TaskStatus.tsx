import type { ProgressEvent } from '../../core/progress';
import type { Status } from '../stores/explorer/types';

/** A long task's progress: a bar, its stage, and (with `counts`) how far it is, e.g. `read 1,200/4,000`. */
export function ProgressBar({ progress, counts = true }: { progress?: ProgressEvent; counts?: boolean }) {
  const n = (x: number) => x.toLocaleString();
  return (
    <>
      <progress value={progress && progress.total ? progress.done / progress.total : 0} max={1} />
      {progress
        ? `${progress.stage}${counts ? ` ${n(progress.done)}/${n(progress.total)}` : ''}`
        : 'starting…'}
    </>
  );
}

/** What a task started by a button is doing: its progress while it runs, its error when it failed. */
export function TaskStatus({
  status,
  progress,
  error,
  counts,
}: {
  status: Status;
  progress?: ProgressEvent;
  error?: string;
  counts?: boolean;
}) {
  return (
    <>
      {status === 'running' && progress && (
        <span className="progress">
          <ProgressBar progress={progress} counts={counts} />
        </span>
      )}
      {status === 'error' && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
