import { readFile } from 'node:fs/promises';
import { goldenProblem, scaledRelativeError, type GoldenCase } from '../core/refine/goldenCase';
import { refineQueries, type RefineImplementationName } from '../core/refine/optimizer';

export interface GoldenCheck {
  backend: string;
  implementation: RefineImplementationName;
  case: string;
  /** Largest error relative to the vector's scale, as the tests measure it (tolerance 1e-5). */
  loss: number;
  snapshots: number;
  final: number;
  within_tolerance: boolean;
}

export const GOLDEN_TOLERANCE = 1e-5;

export async function loadGoldenCases(file: string): Promise<GoldenCase[]> {
  return (JSON.parse(await readFile(file, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/**
 * The golden cases through one implementation on the active backend, with the errors the tests bound:
 * so that a benchmark run on a GPU shows the fused kernel's float32 on that GPU's arithmetic is still
 * within 1e-5 of PyTorch (the tests can only run it on the machines CI has).
 */
export async function checkGolden(
  cases: GoldenCase[],
  implementation: RefineImplementationName,
  backend: string,
): Promise<GoldenCheck[]> {
  const out: GoldenCheck[] = [];
  for (const c of cases) {
    const d = c.query.length;
    const res = await refineQueries(
      [goldenProblem(c)],
      { lr: c.lr, numSteps: c.steps, refit: c.refit, recordEvery: 10 },
      { implementation },
    );
    let snapshots = 0;
    for (const [step, q] of Object.entries(c.queryAtStep)) {
      const s = res.steps.indexOf(Number(step));
      snapshots = Math.max(
        snapshots,
        s < 0 ? Infinity : scaledRelativeError(res.snapshots.data.subarray(s * d, (s + 1) * d), q),
      );
    }
    const loss = scaledRelativeError(res.lossPerStep.data, c.lossPerStep);
    const final = scaledRelativeError(res.refined.data, c.finalQuery);
    out.push({
      backend,
      implementation,
      case: c.name,
      loss,
      snapshots,
      final,
      within_tolerance: Math.max(loss, snapshots, final) < GOLDEN_TOLERANCE,
    });
  }
  const worst = Math.max(...out.map((c) => Math.max(c.loss, c.snapshots, c.final)));
  process.stderr.write(
    `golden ${backend} ${implementation}: worst relative error ${worst.toExponential(2)} ` +
      `(${out.every((c) => c.within_tolerance) ? 'all within' : 'NOT all within'} ${GOLDEN_TOLERANCE})\n`,
  );
  return out;
}
