import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { scaledRelativeError, type GoldenCase } from '../src/core/refine/goldenCase';

const golden = JSON.parse(
  readFileSync(new URL('../../shared/reference/optimizer-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

type Implementation = 'auto' | 'cpu-kernel' | 'webgpu-kernel' | 'autodiff';

interface RefineOutput {
  implementation: string;
  loss: number[];
  steps: number[];
  snapshots: number[];
  refined: number[];
}

interface PlainProblem {
  query: number[];
  docs: { rows: number; cols: number; data: number[] };
  teacherScores: number[];
}

/** Runs window.refinementExplorer.refine in the page (the app's engine worker) on plain arrays. */
async function refineInPage(
  page: Page,
  problems: PlainProblem[],
  params: { lr: number; numSteps: number; refit: boolean; recordEvery: number },
  implementation: Implementation,
): Promise<RefineOutput> {
  return page.evaluate(
    async ({ problems, params, implementation }) => {
      const r = await window.refinementExplorer.refine(
        problems.map((p) => ({
          query: Float32Array.from(p.query),
          docs: { ...p.docs, data: Float32Array.from(p.docs.data) },
          teacherScores: Float32Array.from(p.teacherScores),
        })),
        params,
        implementation,
      );
      return {
        implementation: r.implementation,
        loss: Array.from(r.lossPerStep.data),
        steps: r.steps,
        snapshots: Array.from(r.snapshots.data),
        refined: Array.from(r.refined.data),
      };
    },
    { problems, params, implementation },
  );
}

/**
 * Opens the app and waits until its own start-up run (the demo, 0 steps here) is done: that run initialises
 * the backend it wants, and must not switch the backend under a test that chose another one.
 */
async function openIdleApp(page: Page): Promise<void> {
  await page.goto('/?tab=experiment&steps=0&backend=wasm');
  await page.waitForSelector('[data-testid="refinement-status"][data-state="done"]', { timeout: 120_000 });
}

function plainProblem(c: GoldenCase): PlainProblem {
  return {
    query: c.query,
    docs: { rows: c.docs.length, cols: c.query.length, data: c.docs.flat() },
    teacherScores: c.teacherScores,
  };
}

// The same golden cases as the Node tests, through the app's worker, in Chromium: on WebGPU (SwiftShader
// here) the fused kernel and tfjs autodiff, and what `auto` picks there (the CPU kernel: SwiftShader is a
// software adapter); on wasm the CPU kernel (`auto`) and autodiff.
const RUNS: { backend: 'webgpu' | 'wasm'; implementation: Implementation; expected: string }[] = [
  { backend: 'webgpu', implementation: 'webgpu-kernel', expected: 'webgpu-kernel' },
  { backend: 'webgpu', implementation: 'autodiff', expected: 'autodiff' },
  { backend: 'webgpu', implementation: 'auto', expected: 'cpu-kernel' },
  { backend: 'wasm', implementation: 'auto', expected: 'cpu-kernel' },
  { backend: 'wasm', implementation: 'autodiff', expected: 'autodiff' },
];

for (const { backend, implementation, expected } of RUNS) {
  test(`optimizer (${implementation}) matches the PyTorch golden cases on ${backend} in Chromium`, async ({
    page,
  }) => {
    await openIdleApp(page);
    const info = await page.evaluate((b) => window.refinementExplorer.init(b), backend);
    expect(info.name).toBe(backend);
    for (const c of golden.cases) {
      const res = await refineInPage(
        page,
        [plainProblem(c)],
        { lr: c.lr, numSteps: c.steps, refit: c.refit, recordEvery: 10 },
        implementation,
      );
      expect(res.implementation).toBe(expected);
      expect(scaledRelativeError(res.loss, c.lossPerStep), `${c.name} loss`).toBeLessThan(1e-5);
      const d = c.query.length;
      for (const [step, q] of Object.entries(c.queryAtStep)) {
        const s = res.steps.indexOf(Number(step));
        expect(
          scaledRelativeError(res.snapshots.slice(s * d, (s + 1) * d), q),
          `${c.name} query@${step}`,
        ).toBeLessThan(1e-5);
      }
      expect(scaledRelativeError(res.refined, c.finalQuery), `${c.name} final`).toBeLessThan(1e-5);
    }
  });
}

test('the fused WebGPU kernel, the CPU kernel and autodiff agree on a ragged batch in Chromium', async ({
  page,
}) => {
  await openIdleApp(page);
  await page.evaluate(() => window.refinementExplorer.init('webgpu'));
  // Ragged: the golden cases of one dimension with fewer documents each, in one batch; KL and ReFIT.
  const d384 = golden.cases.filter((c) => c.query.length === 384);
  const problems = d384.flatMap((c) => [
    plainProblem(c),
    plainProblem({ ...c, docs: c.docs.slice(0, 9), teacherScores: c.teacherScores.slice(0, 9) }),
  ]);
  for (const refit of [false, true]) {
    const params = { lr: refit ? 5e-3 : 1e-3, numSteps: 40, refit, recordEvery: 10 };
    const [gpu, cpu, autodiff] = [
      await refineInPage(page, problems, params, 'webgpu-kernel'),
      await refineInPage(page, problems, params, 'cpu-kernel'),
      await refineInPage(page, problems, params, 'autodiff'),
    ];
    for (let q = 0; q < problems.length; q++) {
      const loss = (r: RefineOutput) => r.loss.slice(q * 40, (q + 1) * 40);
      expect(scaledRelativeError(loss(gpu), loss(cpu)), `loss ${q} gpu vs cpu`).toBeLessThan(1e-5);
      expect(scaledRelativeError(loss(autodiff), loss(cpu)), `loss ${q} autodiff vs cpu`).toBeLessThan(1e-5);
      const refined = (r: RefineOutput) => r.refined.slice(q * 384, (q + 1) * 384);
      expect(scaledRelativeError(refined(gpu), refined(cpu)), `query ${q} gpu vs cpu`).toBeLessThan(1e-5);
      expect(scaledRelativeError(refined(autodiff), refined(cpu)), `query ${q} autodiff vs cpu`).toBeLessThan(
        1e-5,
      );
    }
  }
});
