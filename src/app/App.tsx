import { ResultsView } from './components/ResultsView';
import { SettingsPanel } from './components/SettingsPanel';
import { useRunStore } from './stores/runStore';
import './app.css';

/**
 * The experiment runner page: pick the setting, run the whole dataset in the compute worker, see the mean
 * metrics per computation type and every query's gain. The explorer views (map, trajectories, rank
 * changes) build on this.
 */
export function App() {
  const { status, progress, error, result, backend, run, cancel } = useRunStore();
  const busy = status === 'running' || status === 'starting';
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;

  return (
    <main>
      <header>
        <h1>Refinement Explorer</h1>
        <p className="tagline">
          A teacher scores a few retrieved documents; gradient descent moves the query embedding until its
          ranking agrees; the corpus is re-ranked.
        </p>
        <p className="backend" data-testid="backend">
          {backend ? `Compute: ${backend.name} — ${backend.adapter}` : 'Compute: not started'}
        </p>
      </header>
      <SettingsPanel />
      <div className="actions">
        <button type="button" onClick={() => void run()} disabled={busy} data-testid="run">
          Run all queries
        </button>
        <button type="button" onClick={cancel} disabled={!busy} data-testid="cancel">
          Cancel
        </button>
        {busy && (
          <span className="progress" data-testid="progress">
            <progress value={fraction} max={1} />{' '}
            {progress ? `${progress.stage} ${progress.done}/${progress.total}` : 'starting…'}
          </span>
        )}
        {status === 'cancelled' && <span className="note">Cancelled.</span>}
        {status === 'error' && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </div>
      {result && <ResultsView result={result} />}
    </main>
  );
}
