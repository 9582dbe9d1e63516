import { describe, expect, it } from 'vitest';
import {
  LLM_LIMITS,
  LlmServiceError,
  type GenerateRequest,
  type GenerateResponse,
  type JudgeRequest,
  type JudgeResponse,
  type LlmService,
} from './llmApi';
import { LlmHydeWriter } from './llmHyde';
import { LlmTeacher } from './llmTeacher';
import { createTeacher } from './teacherFactory';
import { defaultJudgeMode } from './teacherNames';
import type { TeacherBatch } from './types';
import { syntheticTeacherBatch } from '../../testing/teacherBatch';

/** An in-memory LlmService: scores a document by its length parity, fails where told. */
class FakeService implements LlmService {
  judged: JudgeRequest[] = [];
  generated: GenerateRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  judgeImpl: (r: JudgeRequest) => JudgeResponse = (r) => ({
    scores: r.documents.map((d) => (d.includes('good') ? 0.9 : 0.1)),
    errors: r.documents.map(() => null),
    cached: 0,
    content_filtered: 0,
  });

  async judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeResponse> {
    this.judged.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2));
      signal?.throwIfAborted();
      return this.judgeImpl(request);
    } finally {
      this.inFlight--;
    }
  }

  async generate(request: GenerateRequest): Promise<GenerateResponse> {
    this.generated.push(request);
    const queries = request.queries ?? [];
    return {
      texts: queries.map((q) => (q.includes('fail') ? null : `passage about ${q}`)),
      errors: queries.map((q) => (q.includes('fail') ? 'the model gave an empty reply' : null)),
      cached: 0,
    };
  }
}

/** Odd documents are "good" (FakeService scores them 0.9); no gold labels. */
function batch(task: 'search' | 'classification', queries: number, docs: number): TeacherBatch {
  return syntheticTeacherBatch(
    { queries, docs, task, instruction: 'Given an intent, find utterances' },
    (i) => ({ text: i % 2 ? `good doc ${i}` : `doc ${i}`, goldLabel: 0 }),
  );
}

describe('LlmTeacher', () => {
  it('asks once per query and returns the scores in document order', async () => {
    const service = new FakeService();
    const teacher = new LlmTeacher(service, { model: 'LiteLLM/m', mode: 'yesno' });
    const events: number[] = [];
    const out = await teacher.score(batch('search', 10, 4), { onProgress: (e) => events.push(e.done) });
    expect(service.judged.length).toBe(10);
    expect(out[3].scores).toEqual([0.1, 0.9, 0.1, 0.9]);
    expect(out[3].errors).toEqual([null, null, null, null]);
    expect(events.at(-1)).toBe(10);
    expect(service.maxInFlight).toBeLessThanOrEqual(4);
    expect(teacher.id).toBe('llm:LiteLLM/m');
    expect(teacher.relevanceThreshold).toBe(0.5);
  });

  it('gives the task instruction for classification datasets only (as the reference)', async () => {
    const service = new FakeService();
    const teacher = new LlmTeacher(service, { model: 'm', mode: 'verbalized' });
    const [scored] = await teacher.score(batch('classification', 1, 2));
    await teacher.score(batch('search', 1, 2));
    // Verbalized ratings reach the optimizer on the reference's 0-100 scale.
    expect(scored.scores).toEqual([10, 90]);
    expect(teacher.relevanceThreshold).toBe(50);
    expect(service.judged[0].instruction).toBe('Given an intent, find utterances');
    expect(service.judged[0].mode).toBe('verbalized');
    expect(service.judged[1].instruction).toBe('');
    expect(service.judged[0].thinking).toBeUndefined();
  });

  it("sends FollowIR's truefalse mode without an instruction, and the thinking switch asked for", async () => {
    const service = new FakeService();
    const teacher = new LlmTeacher(service, {
      model: 'jhu-clsp/FollowIR-7B',
      mode: 'truefalse',
      thinking: 'off',
    });
    const [scored] = await teacher.score(batch('classification', 1, 2));
    expect(scored.scores).toEqual([0.1, 0.9]);
    expect(teacher.relevanceThreshold).toBe(0.5);
    expect(service.judged[0]).toMatchObject({ mode: 'truefalse', instruction: '', thinking: 'off' });
  });

  it('splits a query with more documents than one request may hold', async () => {
    const service = new FakeService();
    const teacher = new LlmTeacher(service, { model: 'm', mode: 'yesno' });
    const out = await teacher.score(batch('search', 1, LLM_LIMITS.maxDocuments + 5));
    expect(service.judged.map((r) => r.documents.length)).toEqual([LLM_LIMITS.maxDocuments, 5]);
    expect(out[0].scores.length).toBe(LLM_LIMITS.maxDocuments + 5);
    expect(out[0].scores.at(-1)).toBe(0.1);
  });

  it('keeps per-document nulls with their reasons', async () => {
    const service = new FakeService();
    service.judgeImpl = (r) => ({
      scores: r.documents.map((_, i) => (i === 0 ? null : 0.5)),
      errors: r.documents.map((_, i) => (i === 0 ? 'neither yes nor no' : null)),
      cached: 0,
      // The server counts the 0.5 scores its upstream's content filter caused.
      content_filtered: 2,
    });
    const out = await new LlmTeacher(service, { model: 'm', mode: 'yesno' }).score(batch('search', 2, 3));
    expect(out[1].scores).toEqual([null, 0.5, 0.5]);
    expect(out[1].errors[0]).toBe('neither yes nor no');
    expect(out.map((o) => o.contentFiltered)).toEqual([2, 2]);
  });

  it('fails with the reason when no document at all got a score', async () => {
    const service = new FakeService();
    service.judgeImpl = (r) => ({
      scores: r.documents.map(() => null),
      errors: r.documents.map(() => 'the upstream returned no log-probabilities; use the verbalized mode'),
      cached: 0,
      content_filtered: 0,
    });
    await expect(
      new LlmTeacher(service, { model: 'm', mode: 'yesno' }).score(batch('search', 2, 3)),
    ).rejects.toThrow(/scored none of 6 documents: the upstream returned no log-probabilities/);
  });

  it('stops at the first failed request and rethrows its error', async () => {
    const service = new FakeService();
    service.judgeImpl = () => {
      throw new LlmServiceError('no upstream for model "m": set BASE_URL', 503);
    };
    await expect(
      new LlmTeacher(service, { model: 'm', mode: 'yesno' }).score(batch('search', 40, 2)),
    ).rejects.toThrow(/set BASE_URL/);
    expect(service.judged.length).toBeLessThanOrEqual(4);
  });

  it('stops when cancelled', async () => {
    const service = new FakeService();
    const controller = new AbortController();
    controller.abort(new Error('Cancelled by the user'));
    await expect(
      new LlmTeacher(service, { model: 'm', mode: 'yesno' }).score(batch('search', 5, 2), {
        signal: controller.signal,
      }),
    ).rejects.toThrow(/Cancelled by the user/);
  });
});

describe('createTeacher("llm:<model>")', () => {
  it('builds an LLM teacher with the mode, and says what is missing', () => {
    const service = new FakeService();
    const teacher = createTeacher('llm:OpenAI/gpt-4o-mini', {
      noise: 0,
      seed: 1,
      llm: service,
      mode: 'verbalized',
    });
    expect(teacher.id).toBe('llm:OpenAI/gpt-4o-mini');
    expect((teacher as LlmTeacher).mode).toBe('verbalized');
    // As the reference's get_reranker: FollowIR by exact model name, yes/no for every other model.
    const mode = (name: string) =>
      (createTeacher(name, { noise: 0, seed: 1, llm: service }) as LlmTeacher).mode;
    expect(mode('llm:jhu-clsp/FollowIR-7B')).toBe('truefalse');
    expect(mode('llm:LiteLLM/jhu-clsp/FollowIR-7B')).toBe('yesno');
    expect(mode('llm:Qwen/Qwen3-8B')).toBe('yesno');
    expect(defaultJudgeMode('jhu-clsp/FollowIR-7B')).toBe('truefalse');
    expect(
      (
        createTeacher('llm:jhu-clsp/FollowIR-7B', {
          noise: 0,
          seed: 1,
          llm: service,
          mode: 'yesno',
        }) as LlmTeacher
      ).mode,
    ).toBe('yesno');
    expect(() => createTeacher('llm:m', { noise: 0, seed: 1 })).toThrow(/teacher proxy/);
    expect(() => createTeacher('llm:', { noise: 0, seed: 1, llm: service })).toThrow(/needs a model name/);
    expect(() => createTeacher('cross', { noise: 0, seed: 1 })).toThrow(/llm:<model>/);
  });
});

describe('LlmHydeWriter', () => {
  it('writes one passage per query in requests of bounded size', async () => {
    const service = new FakeService();
    const writer = new LlmHydeWriter(service, { model: 'm', queriesPerRequest: 2 });
    const texts = await writer.write(['a', 'b', 'c']);
    expect(texts).toEqual(['passage about a', 'passage about b', 'passage about c']);
    expect(service.generated.map((r) => r.queries)).toEqual([['a', 'b'], ['c']]);
    expect(service.generated[0]).toMatchObject({ max_tokens: 256, temperature: 0.7, seed: 42 });
    expect(service.generated[0].thinking).toBeUndefined();
    expect(writer.id).toBe('hyde:m');
    await new LlmHydeWriter(service, { model: 'm', thinking: 'on' }).write(['d']);
    expect(service.generated.at(-1)!.thinking).toBe('on');
  });

  it('fails the run when a passage is missing, with the reason', async () => {
    const writer = new LlmHydeWriter(new FakeService(), { model: 'm' });
    await expect(writer.write(['ok', 'please fail'])).rejects.toThrow(
      /wrote no passage for 1 of 2 queries \(first: "please fail": the model gave an empty reply\)/,
    );
  });
});
