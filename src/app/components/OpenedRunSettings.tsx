import { runSettingsOf } from '../runs/rerunSettings';
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
  const { method } = settings;
  const fields: [string, string][] = [
    ['Dataset', settings.dataset],
    ['Embedding', settings.embeddingModel],
    ['Teacher', settings.teacher],
  ];
  // A transformers.js embedder's choices, where the run recorded them (as the live settings' controls).
  if (config.embedding_dtype) fields.push(['Weights', settings.embedding.dtype]);
  if (settings.embedding.pooling) fields.push(['Pooling', settings.embedding.pooling]);
  if (config.teacher_mode) fields.push(['Scoring', config.teacher_mode]);
  if (settings.teacher === 'noisy-gold') fields.push(['Label noise', String(settings.teacherNoise)]);
  if (config.hyde_model) fields.push(['HyDE writer', config.hyde_model]);
  fields.push(
    ['Learning rate', String(method.lr)],
    ['Steps', String(method.numSteps)],
    ['Scored docs', String(method.totalScores)],
    ['…from top', String(method.scoresFromTop)],
    ['Seed', String(method.randomSeed)],
    ['ReFIT', method.refit ? 'on' : 'off'],
  );
  if (config.backend) fields.push(['Backend', config.backend]);

  return (
    <section className="settings-bar" data-testid="opened-run-settings" data-run={opened.name}>
      <div className="settings read-only" aria-label={`settings of the opened run ${opened.name}`}>
        <span className="read-only-tag">
          Opened run&apos;s settings
          <br />
          (read-only)
        </span>
        {fields.map(([label, value]) => (
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
