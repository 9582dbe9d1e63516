import { useExplorer } from '../../stores/explorerStore';

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
      {status === 'running' && progress && (
        <span className="progress">
          <progress value={progress.done / Math.max(1, progress.total)} max={1} /> {progress.stage}
        </span>
      )}
      {status === 'error' && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
