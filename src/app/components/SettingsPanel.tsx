import type { BackendPreference } from '../../core/compute/backend';
import { useRunStore } from '../stores/runStore';

const BACKENDS: BackendPreference[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/** Dataset, embedder, teacher, method parameters and compute backend of the next run. */
export function SettingsPanel() {
  const settings = useRunStore((s) => s.settings);
  const setSettings = useRunStore((s) => s.setSettings);
  const setMethod = useRunStore((s) => s.setMethod);
  const busy = useRunStore((s) => s.status === 'running' || s.status === 'starting');
  const { method } = settings;
  const number = (value: string, fallback: number) =>
    Number.isFinite(Number(value)) && value !== '' ? Number(value) : fallback;

  return (
    <fieldset className="settings" disabled={busy}>
      <label>
        Dataset
        <select value={settings.dataset} onChange={(e) => setSettings({ dataset: e.target.value })}>
          <option value="demo">Demo (built-in)</option>
        </select>
      </label>
      <label>
        Embedding
        <select
          value={settings.embeddingModel}
          onChange={(e) => setSettings({ embeddingModel: e.target.value })}
        >
          <option value="lsa">LSA, 256 dims</option>
          <option value="lsa-64">LSA, 64 dims</option>
          <option value="lsa-32">LSA, 32 dims</option>
        </select>
      </label>
      <label>
        Teacher
        <select
          value={settings.teacher}
          onChange={(e) => setSettings({ teacher: e.target.value as 'gold' | 'noisy-gold' })}
        >
          <option value="gold">Gold labels</option>
          <option value="noisy-gold">Noisy gold labels</option>
        </select>
      </label>
      {settings.teacher === 'noisy-gold' && (
        <label>
          Noise
          <input
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={settings.teacherNoise}
            onChange={(e) => setSettings({ teacherNoise: number(e.target.value, 0.2) })}
          />
        </label>
      )}
      <label>
        Learning rate
        <input
          type="number"
          step="any"
          min={0}
          value={method.lr}
          onChange={(e) => setMethod({ lr: number(e.target.value, method.lr) })}
        />
      </label>
      <label>
        Steps
        <input
          type="number"
          min={0}
          step={1}
          value={method.numSteps}
          onChange={(e) => setMethod({ numSteps: number(e.target.value, method.numSteps) })}
        />
      </label>
      <label>
        Scored documents
        <input
          type="number"
          min={1}
          step={1}
          value={method.totalScores}
          onChange={(e) => setMethod({ totalScores: number(e.target.value, method.totalScores) })}
        />
      </label>
      <label>
        of which from the top
        <input
          type="number"
          min={0}
          step={1}
          value={method.scoresFromTop}
          onChange={(e) => setMethod({ scoresFromTop: number(e.target.value, method.scoresFromTop) })}
        />
      </label>
      <label>
        Seed
        <input
          type="number"
          step={1}
          value={method.randomSeed}
          onChange={(e) => setMethod({ randomSeed: number(e.target.value, method.randomSeed) })}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={method.refit}
          onChange={(e) => setMethod({ refit: e.target.checked, lr: e.target.checked ? 0.005 : 1e-4 })}
        />
        ReFIT
      </label>
      <label>
        Backend
        <select
          value={settings.backend}
          onChange={(e) => setSettings({ backend: e.target.value as BackendPreference })}
        >
          {BACKENDS.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
