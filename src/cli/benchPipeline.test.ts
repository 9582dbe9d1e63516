import { describe, expect, it } from 'vitest';
import { initBackend } from '../core/compute/backend';
import { PIPELINE_STAGES, pipelineInputs, runPipeline, type PipelineStageTimes } from './benchPipeline';

describe('the pipeline section of npm run bench', () => {
  it('times every stage of one pass', async () => {
    await initBackend('cpu');
    const inputs = pipelineInputs({ queries: 3, documents: 50, dims: 8 });
    const stages: Partial<PipelineStageTimes> = {};
    const metrics = await runPipeline(inputs, stages);
    expect(metrics).toHaveLength(3);
    expect(Object.keys(stages)).toEqual([...PIPELINE_STAGES]);
    for (const stage of PIPELINE_STAGES) expect(stages[stage]).toBeGreaterThanOrEqual(0);
  });
});
