import { useExplorer } from '../../stores/explorerStore';
import { TaskStatus } from '../TaskStatus';

/** Downloads the run as one zip holding the same files as the command line's output folder. */
export function ExportButton() {
  const exportRun = useExplorer((s) => s.exportRun);
  const status = useExplorer((s) => s.exportStatus);
  const progress = useExplorer((s) => s.exportProgress);
  const error = useExplorer((s) => s.exportError);
  return (
    <div className="export">
      <button
        type="button"
        onClick={() => void exportRun()}
        disabled={status === 'running'}
        data-testid="export-zip"
      >
        Download run (.zip)
      </button>
      <small>config, results and raw scores (CSV, Parquet), TREC run files, summary, trajectories</small>
      <TaskStatus status={status} progress={progress} error={error} counts={false} />
    </div>
  );
}
