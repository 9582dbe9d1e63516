import { useExplorer } from '../../stores/explorerStore';
import type { ExperimentResponse } from '../../workers/engineApi';
import { ExportButton } from './ExportButton';
import { GainHistogram, GainScatter } from './GainCharts';
import { PanelCaption } from '../PanelCaption';
import { LatencyPanel } from './LatencyPanel';
import { RunHistory } from './RunHistory';
import { SummaryTable } from './SummaryTable';

/**
 * The whole run: mean metrics per computation type with paired deltas and significance, every query's
 * metric before and after (scatter: click a query to explore it), the distribution of gains, and the runs
 * kept in this browser, two of which can be compared side by side.
 */
export function ExperimentView({ result }: { result: ExperimentResponse }) {
  const metric = useExplorer((s) => s.view.metric);
  // An opened run is its files already: nothing to export or time until it is re-run here.
  const opened = useExplorer((s) => s.openedRun !== undefined);
  return (
    <section className="experiment-view">
      <div className="experiment-head">
        <h2>
          {result.summary.dataset}: {result.summary.queries} queries,{' '}
          {result.summary.documents.toLocaleString()} documents
          <small> (embedding dims {result.embeddingDims})</small>
        </h2>
        {!opened && <ExportButton />}
      </div>
      <PanelCaption>
        Each computation type’s mean over all queries; Δ, the p-values and wins/losses pair every query with
        itself (paired randomisation test and t-test against the original ranking).
      </PanelCaption>
      <SummaryTable types={result.summary.types} />
      <div className="chart-row">
        <GainScatter result={result} metric={metric} />
        <GainHistogram result={result} metric={metric} />
      </div>
      {!opened && <LatencyPanel />}
      <RunHistory />
    </section>
  );
}
