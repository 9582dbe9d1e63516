import { describe, expect, it } from 'vitest';
import { validateRunSpec } from '../../core/experiment/runSpec';
import { DEFAULT_VIEW, parseViewState } from './urlState';
import { runSpecOfView } from './viewRunSpec';

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
});
