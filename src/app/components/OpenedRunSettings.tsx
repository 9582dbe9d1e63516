import { runSpecOf } from '../../core/experiment/runSpec';
import { runSettingsOf } from '../runs/rerunSettings';
import { runSpecFields } from '../runs/runSpecFields';
import { useExplorer } from '../stores/explorerStore';
import type { OpenedRunInfo } from '../workers/openRunService';

/**
 * In place of the settings controls while a run opened from its files is shown: the settings that run
 * was made with (its config.json, or a reference run's arguments), read-only, so that the page never shows
 * one run's settings beside another run's results; and the way back to the live settings.
 */
export function OpenedRunSettings({ opened }: { opened: OpenedRunInfo }) {
  const closeRun = useExplorer((s) => s.closeRun);
  const busy = useExplorer((s) => s.status === 'running');
  const { config } = opened;
  const settings = runSettingsOf(config);
  // The recorded spec as the run history lists it; the dataset and model named as a re-run names them.
  const fields = runSpecFields({
    ...runSpecOf(config),
    dataset: settings.dataset,
    embeddingModel: settings.embeddingModel,
  });
  if (config.backend) fields.push({ label: 'Backend', value: config.backend });

  return (
    <section className="settings-bar" data-testid="opened-run-settings" data-run={opened.name}>
      <div className="settings read-only" aria-label={`settings of the opened run ${opened.name}`}>
        <span className="read-only-tag">
          Opened run&apos;s settings
          <br />
          (read-only)
        </span>
        {fields.map(({ label, value }) => (
          <span key={label} className="setting" data-setting={label}>
            {label}
            <output>{value}</output>
          </span>
        ))}
      </div>
      <div className="actions">
        <button
          type="button"
          onClick={closeRun}
          disabled={busy}
          title="close the opened run and run the live settings here"
          data-testid="close-run"
        >
          Back to live settings
        </button>
      </div>
    </section>
  );
}
