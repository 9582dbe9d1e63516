import { useMemo, useState } from 'react';
import type { ProgressEvent } from '../../core/progress';
import { formatPace, formatTimeLeft, PaceEstimator } from '../../core/progressRate';
import type { Status } from '../stores/explorer/types';

/**
 * A long task's progress: a bar, its stage, and (with `counts`) how far it is, then, once the stage has run
 * a second and done 1 %, its rate and time left (without counts, the time left alone), e.g. `embed
 * documents 1,200/15,000 · 340/s · about 41 s left`. The pace is measured from this bar's own view of the
 * stage: a new stage starts a fresh clock.
 */
export function ProgressBar({ progress, counts = true }: { progress?: ProgressEvent; counts?: boolean }) {
  const [estimator] = useState(() => new PaceEstimator());
  const n = (x: number) => x.toLocaleString();
  const estimate = useMemo(
    // Read once per event (memoized on it): when the event is shown is what the rate is measured by.
    // eslint-disable-next-line react-hooks/purity -- see above; a re-run (StrictMode) moves it a few ms
    () => progress && estimator.update(progress, performance.now()),
    [estimator, progress],
  );
  // Without counts (the zip's few files) a rate would read oddly: the time left alone.
  const pace = counts
    ? formatPace(estimate)
    : estimate?.secondsLeft !== undefined
      ? formatTimeLeft(estimate.secondsLeft)
      : '';
  return (
    <>
      <progress value={progress && progress.total ? progress.done / progress.total : 0} max={1} />
      {progress
        ? `${progress.stage}${counts ? ` ${n(progress.done)}/${n(progress.total)}` : ''}${pace ? ` · ${pace}` : ''}`
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
