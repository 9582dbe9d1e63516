import { useExplorer } from '../stores/explorerStore';
import { ViewToggles } from './ViewToggles';

/** Title, compute backend in use and the state of the selected query's refinement. */
export function Header() {
  const backend = useExplorer((s) => s.backend);
  const queryStatus = useExplorer((s) => s.queryStatus);
  const status = useExplorer((s) => s.status);
  // Opening a finished run reads its files; nothing is refined then.
  const opening = useExplorer((s) => s.opening !== undefined);
  const refinement = status === 'running' ? 'running' : queryStatus;
  return (
    <header className="app-header">
      <div>
        <h1>Refinement Explorer</h1>
        <p className="tagline">
          A teacher scores a few retrieved documents; gradient descent moves the query embedding until its
          ranking agrees; the corpus is re-ranked.
        </p>
      </div>
      <div className="status-block">
        <ViewToggles />
        <span className="backend" data-testid="backend-status" data-backend={backend?.name ?? ''}>
          {backend ? `${backend.name} · ${backend.adapter}` : 'compute: starting'}
        </span>
        {backend && backend.skipped.length > 0 && (
          <span className="backend-note" data-testid="backend-note">
            not used: {backend.skipped.join('; ')}
          </span>
        )}
        <span
          className={`refinement-status state-${refinement}`}
          data-testid="refinement-status"
          data-state={refinement === 'cancelled' ? 'idle' : refinement}
        >
          {refinement === 'running'
            ? opening
              ? 'opening run…'
              : 'refining…'
            : refinement === 'done'
              ? 'refined'
              : refinement}
        </span>
      </div>
    </header>
  );
}
