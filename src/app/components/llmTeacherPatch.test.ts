import { describe, expect, it } from 'vitest';
import { llmTeacherPatch } from './TeacherSettings';

describe('llmTeacherPatch', () => {
  it('picks the truefalse judge format for FollowIR-7B, as the command line does', () => {
    expect(llmTeacherPatch({ teacher: 'gold', teacherMode: 'yesno' }, 'jhu-clsp/FollowIR-7B')).toEqual({
      teacher: 'llm:jhu-clsp/FollowIR-7B',
      teacherMode: 'truefalse',
    });
    expect(
      llmTeacherPatch(
        { teacher: 'llm:OpenAI/gpt-4o-mini', teacherMode: 'verbalized' },
        'jhu-clsp/FollowIR-7B',
      ),
    ).toEqual({ teacher: 'llm:jhu-clsp/FollowIR-7B', teacherMode: 'truefalse' });
  });

  it('leaves truefalse for any other model, and keeps a format that suits the new one', () => {
    expect(
      llmTeacherPatch({ teacher: 'llm:jhu-clsp/FollowIR-7B', teacherMode: 'truefalse' }, 'OpenAI/gpt-4o'),
    ).toEqual({ teacher: 'llm:OpenAI/gpt-4o', teacherMode: 'yesno' });
    expect(
      llmTeacherPatch({ teacher: 'llm:OpenAI/gpt-4o-mini', teacherMode: 'verbalized' }, 'OpenAI/gpt-4o'),
    ).toEqual({ teacher: 'llm:OpenAI/gpt-4o', teacherMode: 'verbalized' });
  });
});
