import { describe, expect, it } from 'vitest';
import { benchOutputs } from './benchOutputs';

describe('the outputs section of npm run bench', () => {
  it('times every large file, the CSV and TREC run in one pass as many bytes as the two apart', async () => {
    const cases = await benchOutputs(1, true);
    const bytesOf = (file: string) => cases.find((c) => c.file === file)!.bytes;
    for (const file of ['raw_scores.csv', 'run.txt', 'raw_scores.csv+run.txt', 'qrels.txt'])
      expect(cases.map((c) => c.file)).toContain(file);
    expect(bytesOf('raw_scores.csv+run.txt')).toBe(bytesOf('raw_scores.csv') + bytesOf('run.txt'));
    const chosen = cases.filter((c) => c.file === 'raw_scores.parquet' && c.params.chosen === 'true');
    expect(chosen).toHaveLength(1);
    for (const c of cases) {
      expect(c.samples_ms).toHaveLength(1);
      expect(c.median_ms).toBeGreaterThan(0);
      expect(c.bytes).toBeGreaterThan(0);
    }
  });
});
