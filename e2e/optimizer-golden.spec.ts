import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

interface GoldenCase {
  name: string;
  lr: number;
  steps: number;
  refit: boolean;
  docs: number[][];
  query: number[];
  teacherScores: number[];
  lossPerStep: number[];
  queryAtStep: Record<string, number[]>;
  finalQuery: number[];
}

const golden = JSON.parse(
  readFileSync(new URL('../../shared/reference/optimizer-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), scale));
  return worst;
}

// The same golden cases as the Node tests, through the app's worker, on WebGPU (SwiftShader here) and wasm.
for (const backend of ['webgpu', 'wasm'] as const) {
  test(`optimizer matches the PyTorch golden cases on ${backend} in Chromium`, async ({ page }) => {
    await page.goto('/');
    const info = await page.evaluate((b) => window.refinementExplorer.init(b), backend);
    expect(info.name).toBe(backend);
    for (const c of golden.cases) {
      const problem = {
        query: c.query,
        docs: { rows: c.docs.length, cols: c.query.length, data: c.docs.flat() },
        teacherScores: c.teacherScores,
      };
      const res = await page.evaluate(
        async ({ problem, params }) => {
          const r = await window.refinementExplorer.refine(
            [
              {
                query: Float32Array.from(problem.query),
                docs: { ...problem.docs, data: Float32Array.from(problem.docs.data) },
                teacherScores: Float32Array.from(problem.teacherScores),
              },
            ],
            params,
          );
          return {
            loss: Array.from(r.lossPerStep.data),
            steps: r.steps,
            snapshots: Array.from(r.snapshots.data),
            refined: Array.from(r.refined.data),
          };
        },
        { problem, params: { lr: c.lr, numSteps: c.steps, refit: c.refit, recordEvery: 10 } },
      );
      expect(maxRelativeError(res.loss, c.lossPerStep), `${c.name} loss`).toBeLessThan(1e-5);
      const d = c.query.length;
      for (const [step, q] of Object.entries(c.queryAtStep)) {
        const s = res.steps.indexOf(Number(step));
        expect(
          maxRelativeError(res.snapshots.slice(s * d, (s + 1) * d), q),
          `${c.name} query@${step}`,
        ).toBeLessThan(1e-5);
      }
      expect(maxRelativeError(res.refined, c.finalQuery), `${c.name} final`).toBeLessThan(1e-5);
    }
  });
}
