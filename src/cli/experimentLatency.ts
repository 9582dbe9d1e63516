import { upstreamConfigFromEnv } from '../../server/config';
import { ProxyLlmService } from '../../server/llm/proxyService';
import { Redactor } from '../../server/llm/redact';
import { Upstream } from '../../server/llm/upstream';
import { createEmbedder, type EmbedderSettings } from '../core/embedding/embedderFactory';
import { TransformersEmbedder } from '../core/embedding/transformersEmbedder';
import type { Embedder } from '../core/embedding/types';
import type { MethodConfig } from '../core/experiment/config';
import { measureLatency, type LatencyReport } from '../core/experiment/latency';
import { LATENCY_STAGES } from '../core/experiment/latencyStages';
import type { ExperimentResult } from '../core/experiment/pipeline';
import type { LongTaskOptions } from '../core/progress';
import type { JudgeMode, ThinkingMode } from '../core/teachers/llmApi';
import { createTeacher, crossEncoderTeacherModel } from '../core/teachers/teacherFactory';
import { llmTeacherModel } from '../core/teachers/teacherNames';
import type { Teacher } from '../core/teachers/types';

export interface RunLatencyInputs {
  result: ExperimentResult;
  /** The run's embedder (fitted, for LSA) and how it was made (to make an uncached copy of a neural one). */
  embedder: Embedder;
  embedderName: string;
  embedderSettings: EmbedderSettings;
  /** The run's teacher and how it was made (to make an uncached LLM teacher). */
  teacher: Teacher;
  teacherName: string;
  teacherOptions: { noise: number; seed: number; mode?: JudgeMode; thinking?: ThinkingMode };
  /** The teacher proxy the run used, if any (its cache cannot be bypassed from here). */
  serverUrl?: string;
  method: MethodConfig;
  queries: number;
  warmup: number;
}

/**
 * `--measure-latency`: the per-query latency report of a finished run, with nothing cached that a new query
 * would not find cached: a neural embedder without the vector cache (the model stays loaded: that is warm),
 * an LLM teacher called directly without the score cache. Only through a teacher proxy (`--server-url`) can
 * the proxy's cache answer; the report says so.
 */
export async function measureRunLatency(
  inputs: RunLatencyInputs,
  options: LongTaskOptions = {},
): Promise<LatencyReport> {
  const notes: string[] = [];
  let embedder = inputs.embedder;
  if (embedder instanceof TransformersEmbedder) {
    embedder = createEmbedder(inputs.embedderName, inputs.method.randomSeed, {
      ...inputs.embedderSettings,
      cache: undefined,
    });
    notes.push('query embeddings were computed by the model (the embedding cache was not used)');
  }
  let teacher = inputs.teacher;
  let close = () => {};
  if (llmTeacherModel(inputs.teacherName) !== undefined) {
    if (inputs.serverUrl) {
      notes.push(
        `the teacher was called through the teacher proxy at ${inputs.serverUrl}, whose cache the batched ` +
          'run has filled: teacher times are likely cache hits; run without --server-url to time the upstream',
      );
    } else {
      const service = uncachedLlmService();
      teacher = createTeacher(inputs.teacherName, { ...inputs.teacherOptions, llm: service });
      close = () => service.close();
      notes.push('the LLM teacher was called upstream without the score cache');
    }
  } else if (crossEncoderTeacherModel(inputs.teacherName) !== undefined) {
    notes.push(`the ${inputs.teacher.id} teacher ran its model on each query's sample (no score cache)`);
  } else {
    notes.push(
      `the ${inputs.teacher.id} teacher reads labels: its time is a table look-up, not a model call`,
    );
  }
  try {
    return await measureLatency(
      {
        result: inputs.result,
        embedder,
        teacher,
        method: inputs.method,
        queries: inputs.queries,
        warmup: inputs.warmup,
        notes,
      },
      options,
    );
  } finally {
    close();
  }
}

/** The teacher proxy's own code in-process, as `connectLlm` builds it, but with no cache. */
function uncachedLlmService(): ProxyLlmService {
  const config = upstreamConfigFromEnv(process.env);
  const redactor = new Redactor([config.apiKey, config.openaiApiKey, config.baseUrl]);
  const upstream = new Upstream(config, redactor, (message) =>
    process.stderr.write(`  warning: ${redactor.redact(message)}\n`),
  );
  return new ProxyLlmService(upstream, null);
}

/** The report as a few lines for the terminal. */
export function formatLatency(report: LatencyReport): string {
  const rows = LATENCY_STAGES.map((stage) => {
    const s = report.stages[stage];
    const f = (x: number) => x.toFixed(2).padStart(9);
    return `  ${stage.padEnd(12)} mean ${f(s.mean)}  median ${f(s.median)}  min ${f(s.min)}  max ${f(s.max)} ms`;
  });
  return (
    `Latency per query (${report.queries} queries after ${report.warmup_queries} warm-up):\n` +
    `${rows.join('\n')}\n`
  );
}
