import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperimentOptions } from './experimentOptions';
import { runScript } from '../../server/testing/scriptProcesses';

describe('--dataset imports and --max-documents', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'import-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('parses --max-documents and names experiments after the import', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const options = parseExperimentOptions(
      ['--dataset', 'csv:/x/my intents.csv', '--max-documents', '500'],
      now,
    );
    expect(options).toMatchObject({ maxDocuments: 500, experimentName: 'csv-my-intents_20260102_030405' });
    expect(parseExperimentOptions(['--dataset', 'beir:x', '--max-documents', 'all'], now)).toMatchObject({
      maxDocuments: Infinity,
    });
    expect(parseExperimentOptions(['--dataset', 'NFCorpus'], now)).toMatchObject({ maxDocuments: undefined });
    expect(() => parseExperimentOptions(['--dataset', 'x', '--max-documents', '0'])).toThrow(
      '--max-documents must be a positive integer or "all", got "0"',
    );
    expect(() => parseExperimentOptions(['--dataset', 'xml:a'])).toThrow(/unknown dataset kind "xml:"/);
  });

  it('runs an experiment on a CSV file and records the dataset source in config.json', async () => {
    const rows = ['text,label'];
    const words = ['card', 'transfer', 'refund', 'login'];
    for (const [i, word] of words.entries()) {
      for (let k = 0; k < 12; k++)
        rows.push(`my ${word} problem number ${k} with ${word} ${i},${word}_issue`);
    }
    const file = path.join(work, 'tiny intents.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const out = path.join(work, 'out');
    const { code, stdout, stderr } = await runScript('src/cli/experiment.ts', [
      ...['--dataset', `csv:${file}`, '--output-dir', out, '--experiment-name', 'csv'],
      ...['--embedding-model', 'lsa-8', '--num-steps', '5', '--total-scores', '5', '--scores-from-top', '5'],
      ...['--max-documents', '30', '--backend', 'cpu'],
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('Dataset tiny intents: 4 queries, 48 documents');
    expect(stdout).toMatch(/optimized\s+MAP \d\.\d{4}/);
    const config = JSON.parse(readFileSync(path.join(out, 'csv', 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      dataset: 'tiny intents',
      dataset_spec: `csv:${file}`,
      data_dir: null,
      dataset_location: file,
      max_documents: 30,
      dataset_notes: [],
    });
  });
});
