import { expect, test, type Page } from '@playwright/test';
import { CROSS_ENCODER_FIXTURE_ID, writeCrossEncoderFixture } from '../scripts/make-fixture-model';
import { DEMO_DATA } from '../src/core/datasets/demo/demoData';
import { releaseCrossEncoders } from '../src/core/teachers/crossEncoderModel';
import { createTeacher } from '../src/core/teachers/teacherFactory';
import { openWithModelMirror } from './pages/modelMirror';

// The cross-encoder teacher in Chromium, through the engine worker: the fixture cross-encoder
// (scripts/make-fixture-model.ts) downloaded by transformers.js from the app server's Hub-shaped mirror
// (/hf/<id>/resolve/<revision>/<file>, the folder MODELS_DIR=.cache/fixture-models of playwright.config.ts),
// scored on wasm and on WebGPU (SwiftShader), and compared with the same model on onnxruntime-node.

const intents = DEMO_DATA.intents.slice(0, 3);
const pairs = intents.flatMap((intent, i) =>
  DEMO_DATA.intents
    .slice(i, i + 2)
    .flatMap((other) => other.utterances.slice(0, 2))
    .map((document) => ({ query: intent.description, document })),
);
// One pair longer than the fixture's 256 tokens: truncated longest-first in the browser as in Node.
pairs.push({
  query: intents[0].description,
  document: Array.from({ length: 400 }, (_, i) => `word${i % 9}`).join(' '),
});

let folder: string;

test.beforeAll(async () => {
  folder = await writeCrossEncoderFixture(`.cache/fixture-models/${CROSS_ENCODER_FIXTURE_ID}`);
});

test.afterAll(async () => {
  await releaseCrossEncoders();
});

interface CrossEncodeResult {
  scores: (number | null)[];
  device: string;
  notes: string[];
  activation: string;
  teacherId: string;
}

function crossEncode(
  page: Page,
  device: 'auto' | 'webgpu' | 'wasm',
  model: string = CROSS_ENCODER_FIXTURE_ID,
): Promise<CrossEncodeResult> {
  return page.evaluate(
    async ({ pairs, model, device }) => {
      const r = await window.refinementExplorer.crossEncode(pairs, model, device);
      return {
        scores: r.scores,
        device: r.device,
        notes: r.notes,
        activation: r.activation,
        teacherId: r.teacherId,
      };
    },
    { pairs, model, device },
  );
}

function maxAbsDiff(a: (number | null)[], b: (number | null)[]): number {
  return a.reduce<number>((worst, x, i) => Math.max(worst, Math.abs((x ?? NaN) - (b[i] ?? NaN))), 0);
}

/** The same pairs scored in Node (onnxruntime-node, CPU) from the fixture folder. */
async function nodeScores(): Promise<(number | null)[]> {
  const teacher = createTeacher(`cross-encoder:${folder}`, { noise: 0, seed: 0 });
  const scored = await teacher.score({
    task: 'search',
    instruction: '',
    items: pairs.map((p, i) => ({
      queryId: String(i),
      queryText: p.query,
      documents: [{ id: String(i), text: p.document, goldLabel: 0 }],
    })),
  });
  return scored.map((s) => s.scores[0]);
}

test('scores pairs from the Hub-shaped URL on wasm and WebGPU, agreeing within 1e-4 (and with Node)', async ({
  page,
}) => {
  const requests = await openWithModelMirror(page);
  const wasm = await crossEncode(page, 'wasm');
  expect(wasm).toMatchObject({
    device: 'wasm',
    notes: [],
    activation: 'identity',
    teacherId: `cross-encoder:${CROSS_ENCODER_FIXTURE_ID}`,
  });
  expect(wasm.scores.length).toBe(pairs.length);
  for (const s of wasm.scores) expect(Number.isFinite(s)).toBe(true);
  // Raw logits, different for different pairs.
  expect(new Set(wasm.scores).size).toBe(pairs.length);

  const gpu = await crossEncode(page, 'webgpu');
  expect(gpu.device).toBe('webgpu');
  expect(gpu.notes).toEqual([]);
  const diff = maxAbsDiff(gpu.scores, wasm.scores);
  test.info().annotations.push({ type: 'max abs diff webgpu vs wasm', description: String(diff) });
  expect(diff).toBeLessThan(1e-4);

  const node = await nodeScores();
  test.info().annotations.push({
    type: 'max abs diff wasm vs node',
    description: String(maxAbsDiff(wasm.scores, node)),
  });
  expect(maxAbsDiff(wasm.scores, node)).toBeLessThan(1e-4);

  // Every request went to the app's own server: the model through its mirror, ONNX Runtime's files too.
  const base = new URL(page.url()).origin;
  expect(requests.filter((u) => /^https?:/.test(u) && !u.startsWith(base))).toEqual([]);
  expect(requests).toContain(`${base}/hf/${CROSS_ENCODER_FIXTURE_ID}/resolve/main/onnx/model.onnx`);
});

test('an unknown model and a model folder are clear errors', async ({ page }) => {
  await openWithModelMirror(page);
  await expect(crossEncode(page, 'wasm', 'fixture/no-such-cross-encoder')).rejects.toThrow(
    /cross-encoder model "fixture\/no-such-cross-encoder" was not found/,
  );
  await expect(crossEncode(page, 'wasm', './my-model')).rejects.toThrow(/a model folder works in Node only/);
});

test('the explorer runs the demo with the cross-encoder teacher chosen in the settings', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?backend=wasm&steps=10&models=server&device=wasm');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await page.getByTestId('teacher-select').selectOption('cross-encoder');
  // The default model is the reference's; the fixture is typed in, and the run starts again.
  const model = page.getByTestId('teacher-cross-encoder-model');
  await expect(model).toHaveValue('cross-encoder/ms-marco-MiniLM-L-6-v2');
  await model.fill(CROSS_ENCODER_FIXTURE_ID);
  await model.press('Enter');
  await expect(page).toHaveURL(/teacher=cross-encoder%3Afixture%2Ftiny-cross-encoder/);
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  const summary = await page.evaluate(() => window.refinementExplorer.summary());
  expect(Object.keys(summary?.types ?? {})).toEqual(expect.arrayContaining(['original', 'optimized']));
  // The teacher's scores (raw logits) are what the query view shows next to gold.
  const teacherScores = () =>
    page.evaluate(() =>
      (window.refinementExplorer.currentQuery()?.documents ?? [])
        .map((d) => d.teacherScore)
        .filter((s): s is number => s !== null),
    );
  await expect.poll(async () => (await teacherScores()).length).toBeGreaterThan(0);
  expect((await teacherScores()).some((s) => s < 0 || s > 1)).toBe(true);
  expect(errors).toEqual([]);
});
