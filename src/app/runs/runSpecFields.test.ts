import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW_RUN, runSpecOfView } from '../url/viewRunSpec';
import { runSpecDifferences, runSpecFields } from './runSpecFields';

const lsa = runSpecOfView(DEFAULT_VIEW_RUN);
const neural = runSpecOfView({
  ...DEFAULT_VIEW_RUN,
  embeddingModel: 'all-MiniLM-L6-v2',
  embedding: { dtype: 'q8', pooling: 'cls' },
});

describe("a run's settings as the run history lists them", () => {
  it('lists the fields that apply to the run', () => {
    const labels = (spec: typeof lsa) => runSpecFields(spec).map((f) => f.label);
    expect(labels(lsa)).not.toContain('Weights');
    expect(labels(lsa)).not.toContain('Scoring');
    expect(runSpecFields(neural)).toEqual(
      expect.arrayContaining([
        { label: 'Weights', value: 'q8' },
        { label: 'Pooling', value: 'cls' },
      ]),
    );
    const llm = runSpecOfView({ ...DEFAULT_VIEW_RUN, teacher: 'llm:gpt', teacherMode: 'verbalized' });
    expect(runSpecFields(llm)).toEqual(
      expect.arrayContaining([
        { label: 'Scoring', value: 'verbalized' },
        { label: 'Thinking', value: 'reference' },
      ]),
    );
  });

  it('says in which settings two runs differ, and only those', () => {
    expect(runSpecDifferences(lsa, lsa)).toEqual([]);
    expect(runSpecDifferences(neural, { ...neural, embedding: { dtype: 'fp16' } })).toEqual([
      { label: 'Weights', a: 'q8', b: 'fp16' },
      { label: 'Pooling', a: 'cls', b: "the model's own" },
    ]);
    const hyde = { ...lsa, hydeModel: 'gpt', method: { ...lsa.method, lr: 0.01 } };
    expect(runSpecDifferences(lsa, hyde)).toEqual([
      { label: 'HyDE writer', a: 'none', b: 'gpt' },
      { label: 'Thinking', a: '—', b: 'reference' },
      { label: 'Learning rate', a: String(lsa.method.lr), b: '0.01' },
    ]);
    // A field that applies to one run only shows as '—' in the other.
    expect(runSpecDifferences(lsa, neural)).toEqual([
      { label: 'Embedding', a: 'lsa-64', b: 'all-MiniLM-L6-v2' },
      { label: 'Weights', a: '—', b: 'q8' },
      { label: 'Pooling', a: '—', b: 'cls' },
    ]);
  });
});
