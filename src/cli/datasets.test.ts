import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetAvailability } from './datasets';
import { runScript, type ScriptResult } from '../../server/testing/scriptProcesses';
import { SHARED_DATA_DIR } from '../testing/sharedFolder';

const datasets = (args: string[]): Promise<ScriptResult> => runScript('src/cli/datasets.ts', args);

describe('npm run datasets on the shared data folder', () => {
  let listed: { data_dir: string; datasets: DatasetAvailability[] };
  const byName = (name: string) => listed.datasets.find((d) => d.name === name)!;

  beforeAll(async () => {
    const result = await datasets(['--data-dir', SHARED_DATA_DIR, '--json']);
    expect(result.code, result.stderr).toBe(0);
    listed = JSON.parse(result.stdout) as typeof listed;
  });

  it('lists the registered datasets with their published counts', () => {
    expect(listed.data_dir).toBe(SHARED_DATA_DIR);
    expect(byName('Clinc150').statistics).toEqual({
      queries: 150,
      documents: 15_000,
      pairs: 150 * 15_000,
      positives: 15_000,
    });
    expect(byName('Banking77').statistics).toMatchObject({
      queries: 77,
      documents: 13_083,
      positives: 13_083,
    });
    expect(byName('ArgKP21').statistics).toMatchObject({ queries: 243, pairs: 24_093, positives: 4_998 });
    // One document per distinct text and binary labels, as the reference (see nfcorpus.test.ts).
    expect(byName('NFCorpus').statistics).toEqual({
      queries: 323,
      documents: 3_356,
      pairs: 323 * 3_356,
      positives: 12_180,
    });
    for (const name of ['Clinc150', 'Banking77', 'ArgKP21', 'NFCorpus']) {
      expect(byName(name)).toMatchObject({
        available: true,
        folder_present: true,
        missing_files: [],
        error: null,
      });
    }
    expect(byName('NFCorpus').default_max_documents).toBeNull();
  });

  it('says which files are missing, and where they come from, for datasets not in the folder', () => {
    const missing = listed.datasets.filter((d) => !d.available);
    expect(missing.length).toBeGreaterThan(0); // FollowIR and RealScholarQuery are not staged
    for (const d of missing) {
      expect(d.missing_files.length).toBeGreaterThan(0);
      expect(d.source_hint.length).toBeGreaterThan(0);
      expect(d.statistics).toBeNull();
    }
  });

  it('prints a table by default, and fails with one line on a missing data folder', async () => {
    const table = await datasets(['--data-dir', SHARED_DATA_DIR]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/NFCorpus\s+search\s+available\s+323\s+3,356\s+1,083,988\s+12,180/);
    const bad = await datasets(['--data-dir', '/no/such/dir']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('data folder /no/such/dir does not exist; pass --data-dir or set DATA_DIR');
    expect(bad.stderr).not.toContain('    at ');
  });
});
