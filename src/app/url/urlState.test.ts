import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, parseViewState, sameRun, serializeViewState } from './urlState';

describe('URL view state', () => {
  it('round-trips every field and leaves defaults out', () => {
    expect(serializeViewState(DEFAULT_VIEW)).toBe('');
    const state = {
      ...DEFAULT_VIEW,
      teacher: 'noisy-gold',
      teacherNoise: 0.3,
      hydeModel: 'LiteLLM/gpt-4o-mini',
      embeddingModel: 'BAAI/bge-base-en-v1.5',
      embeddingDevice: 'wasm' as const,
      embeddingDtype: 'q8' as const,
      embeddingPooling: 'cls' as const,
      modelHost: 'server' as const,
      backend: 'webgpu' as const,
      method: {
        ...DEFAULT_VIEW.method,
        refit: true,
        lr: 0.01,
        numSteps: 50,
        totalScores: 30,
        scoresFromTop: 10,
        randomSeed: 7,
      },
      query: 'lost_baggage',
      tab: 'experiment' as const,
      metric: 'ndcg_at_10' as const,
      topK: 10,
      theme: 'dark' as const,
      explain: false,
      follow: true,
    };
    expect(parseViewState(serializeViewState(state))).toEqual(state);
  });

  it('keeps a cross-encoder teacher, with its model or the default one', () => {
    for (const teacher of ['cross-encoder', 'cross-encoder:Xenova/ms-marco-MiniLM-L-6-v2']) {
      const state = { ...DEFAULT_VIEW, teacher };
      expect(parseViewState(serializeViewState(state))).toEqual(state);
    }
    expect(parseViewState('?teacher=cross-encoder:').teacher).toBe('gold');
  });

  it('keeps an LLM teacher with its mode', () => {
    const state = { ...DEFAULT_VIEW, teacher: 'llm:OpenAI/gpt-4o-mini', teacherMode: 'verbalized' as const };
    expect(parseViewState(serializeViewState(state))).toEqual(state);
    expect(parseViewState('?teacher=oracle').teacher).toBe('gold');
  });

  it("gives FollowIR-7B its truefalse format unless the link names one (the command line's default)", () => {
    expect(parseViewState('?teacher=llm:jhu-clsp/FollowIR-7B').teacherMode).toBe('truefalse');
    const yesno = { ...DEFAULT_VIEW, teacher: 'llm:jhu-clsp/FollowIR-7B', teacherMode: 'yesno' as const };
    expect(parseViewState(serializeViewState(yesno))).toEqual(yesno);
  });

  it('falls back to defaults for malformed values', () => {
    const s = parseViewState('?steps=-3&lr=abc&backend=tpu&metric=nope&topk=0&noise=7');
    expect(s.method.numSteps).toBe(DEFAULT_VIEW.method.numSteps);
    expect(s.method.lr).toBe(DEFAULT_VIEW.method.lr);
    expect(s.backend).toBe('auto');
    expect(s.metric).toBe('map');
    expect(s.topK).toBe(20);
    expect(s.teacherNoise).toBe(0.2);
    expect(parseViewState('?theme=sepia').theme).toBe('auto');
  });

  it('tells selection changes from changes that need a new run', () => {
    expect(sameRun(DEFAULT_VIEW, { ...DEFAULT_VIEW, query: 'x', tab: 'experiment' })).toBe(true);
    expect(sameRun(DEFAULT_VIEW, { ...DEFAULT_VIEW, theme: 'dark', explain: false, follow: true })).toBe(
      true,
    );
    expect(sameRun(DEFAULT_VIEW, { ...DEFAULT_VIEW, method: { ...DEFAULT_VIEW.method, lr: 1 } })).toBe(false);
  });

  it('keeps a server run in the link; opening another run is a new run', () => {
    const state = { ...DEFAULT_VIEW, run: 'clinc-lsa', query: 'greeting' };
    expect(serializeViewState(state)).toBe('?run=clinc-lsa&query=greeting');
    expect(parseViewState('?run=clinc-lsa&query=greeting')).toEqual(state);
    expect(parseViewState('?run=').run).toBeUndefined();
    expect(sameRun(DEFAULT_VIEW, state)).toBe(false);
    expect(sameRun(state, { ...state, run: 'other' })).toBe(false);
  });
});
