import { describe, expect, it } from 'vitest';
import { DEFAULT_METHOD } from '../../core/experiment/config';
import type { ExperimentSummary } from '../../core/experiment/outputs';
import { runSpecOfView, viewRunOf, DEFAULT_VIEW_RUN } from '../url/viewRunSpec';
import { savedRunOf, specOfLegacySettings, type SavedRun } from './runHistory';

const summary = { dataset: 'demo', types: {} } as unknown as ExperimentSummary;
const base = { id: 'r1', createdAt: '2026-01-01T00:00:00.000Z', backend: 'wasm', summary, queries: [] };

describe("the browser's run history", () => {
  it("keeps a run's whole spec: scoring mode, HyDE model and embedding settings included", () => {
    const spec = runSpecOfView({
      ...DEFAULT_VIEW_RUN,
      dataset: 'NFCorpus',
      embeddingModel: 'all-MiniLM-L6-v2',
      embedding: { dtype: 'q8', pooling: 'cls' },
      teacher: 'llm:OpenAI/gpt-4o-mini',
      teacherMode: 'verbalized',
      hydeModel: 'OpenAI/gpt-4o-mini',
    });
    const saved: SavedRun = { ...base, spec };
    // Stored as is (IndexedDB keeps the object), read back the same.
    expect(savedRunOf(structuredClone(saved))).toEqual(saved);
    // Re-running it gives the view back every field.
    expect(viewRunOf(savedRunOf(saved)!.spec)).toMatchObject({
      embedding: { dtype: 'q8', pooling: 'cls' },
      teacherMode: 'verbalized',
      hydeModel: 'OpenAI/gpt-4o-mini',
    });
  });

  it('reads entries saved with the older settings, filling what they lack as the app then ran them', () => {
    const old = {
      ...base,
      settings: {
        dataset: 'demo',
        embeddingModel: 'lsa-64',
        teacher: 'noisy-gold',
        teacherNoise: 0.3,
        backend: 'auto',
        method: { ...DEFAULT_METHOD, lr: 0.01, numSteps: 50 },
      },
    };
    const read = savedRunOf(old)!;
    expect(read).not.toHaveProperty('settings');
    expect(read.spec).toEqual({
      dataset: 'demo',
      embeddingModel: 'lsa-64',
      embedding: { dtype: 'fp32' },
      teacher: 'noisy-gold',
      teacherNoise: 0.3,
      teacherMode: 'yesno',
      hydeModel: undefined,
      thinking: 'reference',
      method: { ...DEFAULT_METHOD, lr: 0.01, numSteps: 50 },
    });
    expect(read).toMatchObject({ id: 'r1', backend: 'wasm', summary });
  });

  it('gives an old LLM teacher the yes/no scoring the app then ran (even FollowIR-7B), and an older method the defaults it lacks', () => {
    const spec = specOfLegacySettings({
      dataset: 'demo',
      embeddingModel: 'lsa',
      teacher: 'llm:jhu-clsp/FollowIR-7B',
      method: { lr: 0.002 },
    });
    expect(spec.teacherMode).toBe('yesno');
    expect(spec.teacherNoise).toBe(0.2);
    expect(spec.method).toEqual({ ...DEFAULT_METHOD, lr: 0.002 });
  });

  it('leaves out an entry with neither a spec nor settings', () => {
    expect(savedRunOf(base)).toBeUndefined();
  });
});
