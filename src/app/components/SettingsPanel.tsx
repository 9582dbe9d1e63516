import type { BackendPreference } from '../../core/compute/backend';
import type { MethodConfig } from '../../core/experiment/config';
import { useExplorer } from '../stores/explorerStore';
import { BACKENDS } from '../url/urlState';
import { DatasetPicker } from './DatasetPicker';
import { EmbeddingSettings } from './EmbeddingSettings';
import { OpenedRunSettings } from './OpenedRunSettings';
import { SelectField } from './SelectField';
import { ProgressBar } from './TaskStatus';
import { TeacherSettings } from './TeacherSettings';

/**
 * Dataset, embedder, teacher, method parameters and compute backend. Every change goes to the URL and
 * re-runs the dataset; inputs commit on change so a run starts once per edit. While a run opened from its
 * files is shown, its settings instead, read-only.
 */
export function SettingsPanel() {
  const view = useExplorer((s) => s.view);
  const update = useExplorer((s) => s.update);
  const busy = useExplorer((s) => s.status === 'running');
  const opened = useExplorer((s) => s.openedRun);
  const opening = useExplorer((s) => s.opening);
  const run = useExplorer((s) => s.run);
  const cancel = useExplorer((s) => s.cancel);
  const progress = useExplorer((s) => s.progress);
  const setMethod = (patch: Partial<MethodConfig>) => update({ method: { ...view.method, ...patch } });
  const numberInput = (
    label: string,
    value: number,
    onValue: (x: number) => void,
    attrs: { min?: number; max?: number; step?: number | 'any' },
  ) => (
    <label>
      {label}
      <input
        type="number"
        defaultValue={value}
        key={`${label}-${value}`}
        {...attrs}
        onBlur={(e) => commit(e.currentTarget, value, onValue)}
        onKeyDown={(e) => e.key === 'Enter' && commit(e.currentTarget, value, onValue)}
      />
    </label>
  );

  // An opened run is shown: its settings, read-only, until these settings run here (Re-run in the browser,
  // Back to live settings); the live controls would say something the page does not show.
  if (opened && !(busy && !opening)) return <OpenedRunSettings opened={opened} />;
  // A run being opened (a `?run=` link, a picked folder) has no settings to show yet; the live ones would be
  // another run's. Its progress and Cancel are in the bar above.
  if (opening && !opened)
    return (
      <section className="settings-bar" data-testid="settings-opening">
        <p className="note">Opening {opening}: its settings show here once it is read.</p>
      </section>
    );

  return (
    <section className="settings-bar">
      <fieldset className="settings" disabled={busy}>
        <DatasetPicker />
        <EmbeddingSettings />
        <TeacherSettings />
        {view.teacher === 'noisy-gold' &&
          numberInput('Label noise', view.teacherNoise, (x) => update({ teacherNoise: x }), {
            min: 0,
            max: 1,
            step: 0.05,
          })}
        {numberInput('Learning rate', view.method.lr, (lr) => setMethod({ lr }), { min: 0, step: 'any' })}
        {numberInput('Steps', view.method.numSteps, (numSteps) => setMethod({ numSteps }), {
          min: 0,
          step: 1,
        })}
        {numberInput('Scored docs', view.method.totalScores, (totalScores) => setMethod({ totalScores }), {
          min: 1,
          step: 1,
        })}
        {numberInput(
          '…from top',
          view.method.scoresFromTop,
          (scoresFromTop) => setMethod({ scoresFromTop }),
          { min: 0, step: 1 },
        )}
        {numberInput('Seed', view.method.randomSeed, (randomSeed) => setMethod({ randomSeed }), { step: 1 })}
        <label className="check">
          <input
            type="checkbox"
            checked={view.method.refit}
            onChange={(e) => setMethod({ refit: e.target.checked, lr: e.target.checked ? 0.005 : 1e-4 })}
          />
          ReFIT
        </label>
        <SelectField<BackendPreference>
          label="Backend"
          value={view.backend}
          options={BACKENDS}
          onChange={(backend) => update({ backend })}
        />
      </fieldset>
      <div className="actions">
        <button type="button" onClick={() => void run()} disabled={busy} data-testid="run">
          Re-run
        </button>
        <button type="button" onClick={cancel} disabled={!busy} data-testid="cancel">
          Cancel
        </button>
        {busy && !opening && (
          <span className="progress" data-testid="progress">
            <ProgressBar progress={progress} />
          </span>
        )}
      </div>
    </section>
  );
}

/** Commits a number field when valid; restores the current value otherwise. */
function commit(input: HTMLInputElement, current: number, onValue: (x: number) => void): void {
  const x = Number(input.value);
  if (input.value === '' || !Number.isFinite(x) || !input.checkValidity()) {
    input.value = String(current);
    return;
  }
  if (x !== current) onValue(x);
}
