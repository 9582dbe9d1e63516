import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchCliRun } from './benchCliRun';
import { runCliProcess } from './experimentProcess';

const empty = mkdtempSync(path.join(tmpdir(), 'bench-cli-run-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('the cli_run section of npm run bench', () => {
  it('is skipped, with the reason, where the data folder or Clinc150 is missing', async () => {
    await expect(benchCliRun(path.join(empty, 'nowhere'), 1)).resolves.toEqual({
      skipped: expect.stringContaining('does not exist') as string,
    });
    await expect(benchCliRun(empty, 1)).resolves.toEqual({
      skipped: expect.stringContaining('no Clinc150 folder') as string,
    });
  });

  it("times a CLI process and reads its peak memory (Linux's /proc)", async () => {
    const outcome = await runCliProcess(['--help']);
    expect(outcome.code).toBe(0);
    expect(outcome.wallMs).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(outcome.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
  });
});
