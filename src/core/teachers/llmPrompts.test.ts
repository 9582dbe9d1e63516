import { describe, expect, it } from 'vitest';
import {
  buildFollowIrPrompt,
  buildHydePrompt,
  buildJudgePrompt,
  judgePromptTemplate,
  MAX_INPUT_CHARS,
} from './llmPrompts';
import { readReferenceGolden } from '../../testing/sharedFolder';

const golden = readReferenceGolden();

describe('judge prompts (reference-golden.json llm_prompts)', () => {
  it('are the reference prompts, character for character, with and without the task instruction', () => {
    expect(golden.llm_prompts.length).toBeGreaterThanOrEqual(6);
    for (const c of golden.llm_prompts) {
      // As get_llm_task_instruction: the instruction only for classification datasets.
      const expected = golden.instructions[c.dataset];
      expect(c.task_instruction).toBe(expected.task_type === 'classification' ? expected.instruction : '');
      expect(buildJudgePrompt('yesno', c.query, c.document, c.task_instruction), c.dataset).toBe(c.yesno);
      expect(buildJudgePrompt('verbalized', c.query, c.document, c.task_instruction), c.dataset).toBe(
        c.verbalized,
      );
    }
  });

  it('cut a document as the reference: doc[:500000 - len(template) - len(query)], in code points', () => {
    const template = judgePromptTemplate('yesno');
    const query = 'q'.repeat(100);
    const room = MAX_INPUT_CHARS - template.length - query.length;
    const prompt = buildJudgePrompt('yesno', query, 'x'.repeat(room + 10));
    // The template's two "{}" count in its length but not in the prompt: 4 characters short of the bound.
    expect(prompt.length).toBe(MAX_INPUT_CHARS - 4);
    expect(prompt).toBe(buildJudgePrompt('yesno', query, 'x'.repeat(room)));
    // Exactly at the bound nothing is cut.
    const fits = 'y'.repeat(room);
    expect(buildJudgePrompt('yesno', query, fits)).toContain(`Document: ${fits}\nRelevant?`);
    // Python's len counts an emoji once, where a JS string holds two UTF-16 units: the cut keeps whole ones.
    const emoji = '😀'.repeat(room + 1);
    const cut = buildJudgePrompt('yesno', query, emoji);
    expect(Array.from(cut).length).toBe(MAX_INPUT_CHARS - 4);
    expect(cut).toContain(`Document: ${'😀'.repeat(room)}\nRelevant?`);
    const instructed = judgePromptTemplate('verbalized', 'Some task.');
    expect(instructed).toContain('Judge the relevance according to the following task: Some task. Reply');
  });
});

describe('HyDE and FollowIR prompts', () => {
  it('HyDE: the reference prompt (reference-golden.json hyde_prompts)', () => {
    expect(golden.hyde_prompts.length).toBeGreaterThan(0);
    for (const c of golden.hyde_prompts) expect(buildHydePrompt(c.query)).toBe(c.prompt);
  });

  it("FollowIR: the reference's FollowIRRerankerModel template, <s> and the trailing space included", () => {
    expect(buildFollowIrPrompt('radon health effects', 'Radon is a gas.')).toBe(
      '<s> [INST] You are an expert Google searcher, whose job is to determine if the following document is ' +
        'relevant to the query (true/false). Answer using only one word, one of those two choices.\n\n' +
        'Query: radon health effects\nDocument: Radon is a gas.\n' +
        'Relevant (only output one word, either "true" or "false"): [/INST] ',
    );
  });
});
