import { useEffect } from 'react';
import { Header } from './components/Header';
import { LossCurve } from './components/LossCurve';
import { MetricsPanel } from './components/MetricsPanel';
import { OpenRun } from './components/OpenRun';
import { PageDrop } from './components/PageDrop';
import { ProjectionMap } from './components/ProjectionMap';
import { QueryList } from './components/QueryList';
import { RankChanges } from './components/RankChanges';
import { ExperimentView } from './components/experiment/ExperimentView';
import { SettingsPanel } from './components/SettingsPanel';
import { TrajectoryControls } from './components/TrajectoryControls';
import { TeachingPanels } from './components/TeachingPanels';
import { ProgressBar } from './components/TaskStatus';
import { useExplorer } from './stores/explorerStore';
import { useAppliedTheme } from './theme/theme';
import './theme/theme.css';
import './app.css';

/**
 * The explorer: settings on top, the queries on the left, and for the selected query its map and path,
 * rank changes, loss curve and metrics; or the whole run's summary (Experiment tab).
 */
export function App() {
  const syncFromUrl = useExplorer((s) => s.syncFromUrl);
  const tab = useExplorer((s) => s.view.tab);
  const update = useExplorer((s) => s.update);
  const status = useExplorer((s) => s.status);
  const error = useExplorer((s) => s.error);
  const experiment = useExplorer((s) => s.experiment);
  const linkProblems = useExplorer((s) => s.linkProblems);
  useAppliedTheme();

  useEffect(() => {
    syncFromUrl();
    const onPop = () => syncFromUrl();
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [syncFromUrl]);

  return (
    <div className="app">
      <Header />
      <SettingsPanel />
      <OpenRun />
      <PageDrop />
      {status === 'error' && (
        <p className="error banner" role="alert" data-testid="run-error">
          The run failed: {error}
        </p>
      )}
      {linkProblems.map((problem) => (
        <p key={problem} className="note banner" data-testid="link-problem">
          In the link, {problem}.
        </p>
      ))}
      {status === 'cancelled' && <p className="note banner">Cancelled. Change a setting or press Re-run.</p>}
      {experiment?.embeddingNotes.map((note) => (
        <p key={note} className="note banner" data-testid="embedding-note">
          {note}
        </p>
      ))}
      <nav className="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'explorer'}
          onClick={() => update({ tab: 'explorer' })}
        >
          Explorer
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'experiment'}
          onClick={() => update({ tab: 'experiment' })}
          data-testid="tab-experiment"
        >
          Experiment summary
        </button>
      </nav>
      {tab === 'experiment' ? experiment ? <ExperimentView result={experiment} /> : null : <ExplorerView />}
    </div>
  );
}

function ExplorerView() {
  const query = useExplorer((s) => s.query);
  const queryStatus = useExplorer((s) => s.queryStatus);
  const queryError = useExplorer((s) => s.queryError);
  const projection = useExplorer((s) => s.projection);
  const projectionStatus = useExplorer((s) => s.projectionStatus);
  const projectionProgress = useExplorer((s) => s.projectionProgress);
  const projectionError = useExplorer((s) => s.projectionError);
  const step = useExplorer((s) => s.step);

  return (
    <div className="explorer">
      <QueryList />
      <div className="query-detail">
        {queryStatus === 'error' && (
          <p className="error" role="alert">
            {queryError}
          </p>
        )}
        {query && (
          <>
            <h2 className="query-title" data-testid="query-title">
              {query.text}{' '}
              <small>
                ({query.id}; {query.relevantCount} relevant of {query.candidateCount.toLocaleString()}{' '}
                candidates)
              </small>
            </h2>
            <div className="detail-grid">
              <div className="map-column">
                {projection && projection.index === query.index ? (
                  <>
                    <ProjectionMap key={projection.index} projection={projection} query={query} step={step} />
                    {projection.note && (
                      <p className="note map-note" data-testid="map-note">
                        {projection.note}
                      </p>
                    )}
                  </>
                ) : projectionStatus === 'error' ? (
                  <p className="error panel" role="alert">
                    The map could not be computed: {projectionError}
                  </p>
                ) : (
                  <div className="panel map-placeholder" data-testid="map-progress">
                    Computing the map… {projectionProgress && <ProgressBar progress={projectionProgress} />}
                  </div>
                )}
                <TrajectoryControls query={query} />
                <LossCurve query={query} step={step} />
              </div>
              <MetricsPanel query={query} />
            </div>
            <TeachingPanels query={query} step={step} />
            <RankChanges query={query} />
          </>
        )}
      </div>
    </div>
  );
}
