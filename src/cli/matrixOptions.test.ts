import { describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { parseMatrixOptions, planRuns, type MatrixOptions } from './matrixOptions';
import { matrixCsv, matrixMarkdown } from './matrixTable';

describe('npm run matrix options', () => {
  it('reads space- and comma-separated lists and forwards every other option', () => {
    const options = parseMatrixOptions([
      '--datasets',
      'Clinc150',
      'Banking77,ArgKP21',
      '--embedding-models',
      'lsa',
      'lsa-64',
      '--teacher',
      'noisy-gold',
      '--parallel',
      '2',
      '--num-steps',
      '20',
      '--refit',
      '--data-dir=../shared/data',
      '--experiment-prefix',
      'nightly',
      '--continue-on-error',
    ]) as MatrixOptions;
    expect(options.datasets).toEqual(['Clinc150', 'Banking77', 'ArgKP21']);
    expect(options.embeddingModels).toEqual(['lsa', 'lsa-64']);
    expect(options).toMatchObject({
      parallel: 2,
      teacher: 'noisy-gold',
      continueOnError: true,
      dryRun: false,
    });
    expect(options.forwarded).toEqual([
      '--teacher',
      'noisy-gold',
      '--num-steps',
      '20',
      '--refit',
      '--data-dir=../shared/data',
    ]);

    const runs = planRuns(options, '20260101_000000');
    expect(runs.map((r) => r.name)).toEqual([
      'nightly_Clinc150_lsa_20260101_000000',
      'nightly_Banking77_lsa_20260101_000000',
      'nightly_ArgKP21_lsa_20260101_000000',
      'nightly_Clinc150_lsa-64_20260101_000000',
      'nightly_Banking77_lsa-64_20260101_000000',
      'nightly_ArgKP21_lsa-64_20260101_000000',
    ]);
    expect(runs[4].args.slice(0, 6)).toEqual([
      '--dataset',
      'Banking77',
      '--embedding-model',
      'lsa-64',
      '--experiment-name',
      'nightly_Banking77_lsa-64_20260101_000000',
    ]);
    expect(runs.every((r) => r.invalid === undefined)).toBe(true);
  });

  it('says what is wrong with bad options, and checks forwarded ones with the experiment parser', () => {
    expect(() => parseMatrixOptions(['--embedding-models', 'lsa'])).toThrow(/--datasets is required/);
    expect(() => parseMatrixOptions(['--datasets', 'a', '--parallel', '0'])).toThrow(/--parallel/);
    expect(() => parseMatrixOptions(['--dataset', 'a'])).toThrow(/--datasets \(plural\)/);
    expect(() => parseMatrixOptions(['--datasets', 'a', '--experiment-name', 'x'])).toThrow(
      /--experiment-prefix/,
    );
    const options = parseMatrixOptions(['--datasets', 'a', '--lr', 'fast', '--bogus']) as MatrixOptions;
    expect(options.embeddingModels).toEqual(['lsa']);
    expect(planRuns(options, 's')[0].invalid).toMatch(/bogus|--lr/);
    expect(parseMatrixOptions(['--datasets', 'a', '-h'])).toBe('help');
  });

  it('tabulates headline metrics as markdown and CSV', () => {
    const summary = {
      queries: 3,
      types: {
        original: { queries: 3, mean: { map: 0.4, ndcg_at_10: 0.5, roc_auc: 0.6 } },
        optimized: {
          queries: 3,
          mean: { map: 0.45, ndcg_at_10: 0.55, roc_auc: 0.61 },
          vs_original: {
            map: { mean_delta: 0.05, p_randomization: 0.0001 },
            ndcg_at_10: { mean_delta: 0.05, p_randomization: 0.02 },
            roc_auc: { mean_delta: 0.01, p_randomization: 0.5 },
          },
        },
      },
    } as unknown as ExperimentSummary;
    const rows = [
      {
        experiment: 'a',
        dataset: 'A',
        embeddingModel: 'lsa',
        teacher: 'gold',
        status: 'ok' as const,
        seconds: 3.21,
        summary,
      },
      {
        experiment: 'b',
        dataset: 'B|x',
        embeddingModel: 'lsa',
        teacher: 'gold',
        status: 'failed' as const,
        error: 'unknown dataset "B"',
      },
    ];
    const md = matrixMarkdown(rows);
    expect(md).toContain('| 1 | a | A | lsa | gold | ok | 0.4000 → 0.4500 | +0.0500 (p=1e-4) |');
    expect(md).toContain('B\\|x');
    expect(md).toContain('failed: unknown dataset "B"');
    const csv = matrixCsv(rows).trimEnd().split('\n');
    expect(csv[0]).toBe(
      'experiment,dataset,embedding_model,teacher,status,error,queries,map_original,map_optimized,map_delta,map_p_randomization,' +
        'ndcg_at_10_original,ndcg_at_10_optimized,ndcg_at_10_delta,ndcg_at_10_p_randomization,' +
        'roc_auc_original,roc_auc_optimized,roc_auc_delta,roc_auc_p_randomization,time_s,folder',
    );
    expect(csv[1]).toBe('a,A,lsa,gold,ok,,3,0.4,0.45,0.05,0.0001,0.5,0.55,0.05,0.02,0.6,0.61,0.01,0.5,3.2,');
    expect(csv[2]).toBe('b,B|x,lsa,gold,failed,"unknown dataset ""B""",,,,,,,,,,,,,,,');
  });
});
