import { describe, expect, it } from 'vitest';
import { validateRunSpec } from '../../core/experiment/runSpec';
import { DEFAULT_VIEW, parseViewState } from './urlState';
import { runSpecOfView, viewRunOf } from './viewRunSpec';

/** The view a link opens, and what was said about the values that gave way. */
function open(link: string) {
  const problems: string[] = [];
  const view = parseViewState(link, (problem) => problems.push(problem));
  return { view, problems };
}

describe("a link's run", () => {
  it('is a RunSpec that validates as every run does', () => {
    const { view, problems } = open('?dataset=Banking77&teacher=noisy-gold&noise=0.1&steps=5&seed=3');
    expect(problems).toEqual([]);
    const spec = runSpecOfView(view);
    expect(() => validateRunSpec(spec)).not.toThrow();
    expect(spec).toMatchObject({ dataset: 'Banking77', teacher: 'noisy-gold', teacherNoise: 0.1 });
    expect(spec.method).toMatchObject({ numSteps: 5, randomSeed: 3 });
    expect(spec.hydeModel).toBeUndefined();
  });

  it("says why a value gave way to its default, in the link's own names, and keeps the rest", () => {
    const { view, problems } = open('?dataset=Banking77&steps=-3&lr=20&teacher=oracle&query=q1&theme=dark');
    expect(problems).toEqual([
      'lr=20 gave way to the default: lr must be positive and at most 10 (got 20)',
      'steps=-3 gave way to the default: steps must be an integer from 0 to 1000000 (got -3)',
      'teacher=oracle gave way to the default: teacher must be gold, noisy-gold, cross-encoder[:<model>] or llm:<model> (got "oracle")',
    ]);
    expect(view).toMatchObject({ dataset: 'Banking77', teacher: 'gold', query: 'q1', theme: 'dark' });
    expect(view.method).toEqual(DEFAULT_VIEW.method);
  });

  it('gives way on the side of a bound that the link gave', () => {
    const fewer = open('?total=10');
    expect(fewer.problems).toEqual(['total=10 gave way to the default: top (20) cannot exceed total (10)']);
    expect(fewer.view.method.totalScores).toBe(20);
    expect(open('?total=10&top=5').view.method).toMatchObject({ totalScores: 10, scoresFromTop: 5 });
    const both = open('?total=10&top=15');
    expect(both.problems).toHaveLength(2);
    expect(both.view.method).toMatchObject({ totalScores: 20, scoresFromTop: 20 });
  });

  it("holds a neural embedder's dtype and pooling as the spec's, checked by the spec's validation", () => {
    const good = open('?embedding=Xenova/all-MiniLM-L6-v2&dtype=q8&pooling=cls');
    expect(good.problems).toEqual([]);
    expect(runSpecOfView(good.view).embedding).toEqual({ dtype: 'q8', pooling: 'cls' });
    const bad = open('?embedding=Xenova/all-MiniLM-L6-v2&dtype=int4&pooling=max');
    expect(bad.problems).toEqual([
      'dtype=int4 gave way to the default: dtype must be one of fp32, fp16, q8 (got "int4")',
      'pooling=max gave way to the default: pooling must be one of mean, cls, last_token (got "max")',
    ]);
    expect(bad.view).toMatchObject({
      embeddingModel: 'Xenova/all-MiniLM-L6-v2',
      embedding: { dtype: 'fp32' },
    });
    expect(bad.view.embedding.pooling).toBeUndefined();
  });

  it('turns a spec back into the view that asks for it', () => {
    for (const link of [
      '?dataset=Banking77&teacher=noisy-gold&noise=0.1&steps=5&seed=3',
      '?embedding=Xenova/all-MiniLM-L6-v2&dtype=fp16&pooling=mean&teacher=llm%3AOpenAI%2Fgpt-4o&mode=verbalized&hyde=OpenAI%2Fgpt-4o',
      '?teacher=llm%3Ajhu-clsp%2FFollowIR-7B&refit=1',
    ]) {
      const { view } = open(link);
      const { dataset, embeddingModel, embedding, teacher, teacherNoise, teacherMode, hydeModel, method } =
        view;
      const run = {
        dataset,
        embeddingModel,
        embedding,
        teacher,
        teacherNoise,
        teacherMode,
        hydeModel,
        method,
      };
      expect(viewRunOf(runSpecOfView(view))).toEqual(run);
    }
    // A spec that leaves the scoring mode to the model: the model's own, as a link that names none.
    const { teacherMode, ...followIr } = runSpecOfView(open('?teacher=llm%3Ajhu-clsp%2FFollowIR-7B').view);
    expect(teacherMode).toBe('truefalse');
    expect(viewRunOf(followIr).teacherMode).toBe('truefalse');
  });
});
