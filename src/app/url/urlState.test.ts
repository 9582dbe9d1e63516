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
      embedding: { dtype: 'q8' as const, pooling: 'cls' as const },
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

  it('says why a value that is not the run gave way to its default, as the run values do', () => {
    const problems: string[] = [];
    const s = parseViewState(
      '?backend=tpu&metric=nope&topk=0&theme=sepia&device=npu&models=cdn&tab=map&explain=yes&follow=1&query=q',
      (problem) => problems.push(problem),
    );
    expect(problems).toEqual([
      'device=npu gave way to the default: device must be one of auto, webgpu, wasm (got "npu")',
      'models=cdn gave way to the default: models must be one of hub, server (got "cdn")',
      'backend=tpu gave way to the default: backend must be one of auto, webgpu, wasm, cpu (got "tpu")',
      'tab=map gave way to the default: tab must be one of explorer, experiment (got "map")',
      'metric=nope gave way to the default: metric must name a metric (map, mrr, ndcg_at_10, …) (got "nope")',
      'topk=0 gave way to the default: topk must be a positive integer (got "0")',
      'theme=sepia gave way to the default: theme must be one of auto, light, dark (got "sepia")',
      'explain=yes gave way to the default: explain must be one of 0, 1 (got "yes")',
    ]);
    expect(s).toMatchObject({ ...DEFAULT_VIEW, follow: true, query: 'q' });
    const none: string[] = [];
    parseViewState(serializeViewState({ ...DEFAULT_VIEW, theme: 'dark', explain: false }), (p) =>
      none.push(p),
    );
    parseViewState('?backend=&theme=auto&explain=1&follow=0', (p) => none.push(p));
    expect(none).toEqual([]);
  });

  it('tells selection changes from changes that need a new run', () => {
    expect(sameRun(DEFAULT_VIEW, { ...DEFAULT_VIEW, query: 'x', tab: 'experiment' })).toBe(true);
    expect(sameRun(DEFAULT_VIEW, { ...DEFAULT_VIEW, theme: 'dark', explain: false, follow: true })).toBe(
      true,
    );
    expect(sameRun(DEFAULT_VIEW, { ...DEFAULT_VIEW, method: { ...DEFAULT_VIEW.method, lr: 1 } })).toBe(false);
  });

  it("re-runs for a transformers.js model's dtype, pooling, device or host, and only where one runs", () => {
    const neural = { ...DEFAULT_VIEW, embeddingModel: 'Xenova/all-MiniLM-L6-v2' };
    const changes = [
      { embedding: { dtype: 'q8' as const } },
      { embedding: { dtype: 'fp32' as const, pooling: 'cls' as const } },
      { embeddingDevice: 'wasm' as const },
      { modelHost: 'server' as const },
    ];
    for (const change of changes) {
      expect(sameRun(neural, { ...neural, ...change })).toBe(false);
      // LSA has no dtype, pooling, device or host: the same run.
      expect(sameRun(DEFAULT_VIEW, { ...DEFAULT_VIEW, ...change })).toBe(true);
    }
    const remote = { ...DEFAULT_VIEW, embeddingModel: 'remote:Qwen/Qwen3-Embedding-8B' };
    expect(sameRun(remote, { ...remote, embedding: { dtype: 'q8' } })).toBe(true);
    // A cross-encoder teacher runs on transformers.js too: its device and host matter, not the dtype.
    const crossEncoder = { ...DEFAULT_VIEW, teacher: 'cross-encoder' };
    expect(sameRun(crossEncoder, { ...crossEncoder, embeddingDevice: 'webgpu' })).toBe(false);
    expect(sameRun(crossEncoder, { ...crossEncoder, embedding: { dtype: 'fp16' } })).toBe(true);
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
