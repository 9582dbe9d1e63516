import { matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { yieldToEventLoop } from '../yieldToEventLoop';
import type { OptimizerParams, RefinementProblem, RefinementResult } from './optimizer';
import {
  ADAM_BETA1,
  ADAM_BETA2,
  ADAM_EPS,
  COSINE_EPS,
  KL_EPS,
  MINMAX_EPS,
  adamSchedule,
  snapshotSteps,
  teacherTarget,
  validateRefinement,
} from './refinementBatch';

// PyTorch multiplies float32 tensors by these Python floats after rounding them to float32.
const B1 = Math.fround(ADAM_BETA1);
const B1C = Math.fround(1 - ADAM_BETA1);
const B2 = Math.fround(ADAM_BETA2);
const B2C = Math.fround(1 - ADAM_BETA2);
const YIELD_EVERY_MS = 50;

/**
 * The closed-form optimizer (closedFormGradient.md) in plain TypeScript loops: no tensors, no
 * per-operation overhead (input and output are Float32Arrays; the working state is plain arrays). One query at a time (its documents stay in cache for all its steps); within a
 * step everything is double precision, and the query and Adam's moments are stored as float32 between
 * steps, as PyTorch's tensors are. Used on the `cpu` and `wasm` backends and in Node.
 */
export async function refineOnCpu(
  problems: RefinementProblem[],
  params: OptimizerParams,
  options: LongTaskOptions = {},
): Promise<RefinementResult> {
  validateRefinement(problems, params);
  const Q = problems.length;
  const d = problems[0].query.length;
  const steps = params.numSteps;
  const recordSteps = snapshotSteps(steps, params.recordEvery);
  const slotOfStep = new Map(recordSteps.map((s, i) => [s, i + 1]));
  const snapshots = new Float32Array((recordSteps.length + 1) * Q * d);
  const losses = new Float32Array(Q * steps);
  const schedule = adamSchedule(params.lr, steps);
  const maxK = Math.max(...problems.map((p) => p.docs.rows));
  const scratch = new Scratch(maxK, d);

  let lastYield = performance.now();
  for (let qi = 0; qi < Q; qi++) {
    const problem = problems[qi];
    const K = problem.docs.rows;
    scratch.load(problem, params.refit);
    snapshots.set(scratch.q, qi * d);
    for (let t = 1; t <= steps; t++) {
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        options.onProgress?.({ stage: 'refine', done: qi * steps + t - 1, total: Q * steps });
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      throwIfAborted(options.signal);
      losses[qi * steps + t - 1] = scratch.closedForm(K, params.refit);
      scratch.adamStep(K, schedule[2 * (t - 1)], schedule[2 * (t - 1) + 1]);
      const slot = slotOfStep.get(t);
      if (slot !== undefined) snapshots.set(scratch.q, (slot * Q + qi) * d);
    }
  }
  options.onProgress?.({ stage: 'refine', done: Q * steps, total: Q * steps });
  const last = recordSteps.length * Q * d;
  return {
    refined: matrix(Q, d, snapshots.slice(last, last + Q * d)),
    lossPerStep: matrix(Q, steps, losses),
    steps: [0, ...recordSteps],
    snapshots: matrix((recordSteps.length + 1) * Q, d, snapshots),
    implementation: 'cpu-kernel',
  };
}

/**
 * A packed array of doubles. Plain arrays rather than typed arrays in the hot loops: once any ArrayBuffer
 * in the process has been detached (tfjs does it, so does every transfer to or from a worker), V8 checks
 * every typed-array access for detachment, which costs this kernel 25%; plain arrays have no such check.
 */
function zeros(n: number): number[] {
  // Created holding a double so that V8 keeps it as packed doubles (no later elements-kind transitions).
  const a = Array.from({ length: n }, () => 0.5);
  a.fill(0);
  return a;
}

/** One query's working state, reused from query to query. */
class Scratch {
  /** Documents transposed, docsT[i·K + k] = D[k, i]: the fused pass reads K consecutive values per i. */
  readonly docsT: number[];
  readonly q: number[];
  private readonly m: number[];
  private readonly v: number[];
  private readonly norms: number[];
  private readonly p: number[];
  private dots: number[];
  private nextDots: number[];
  private qq = 0;
  /** Per step: ∇L = Σ_k a_k D_k − β q. */
  private readonly a: number[];
  private beta = 0;
  private readonly den: number[];
  private readonly clamped: number[];
  private readonly c: number[];
  private readonly z: number[];
  private readonly r: number[];
  private readonly u: number[];

  constructor(
    maxK: number,
    private readonly d: number,
  ) {
    this.docsT = zeros(maxK * d);
    this.q = zeros(d);
    this.m = zeros(d);
    this.v = zeros(d);
    this.norms = zeros(maxK);
    this.p = zeros(maxK);
    this.dots = zeros(maxK);
    this.nextDots = zeros(maxK);
    this.a = zeros(maxK);
    this.den = zeros(maxK);
    this.clamped = zeros(maxK);
    this.c = zeros(maxK);
    this.z = zeros(maxK);
    this.r = zeros(maxK);
    this.u = zeros(maxK);
  }

  load(problem: RefinementProblem, refit: boolean): void {
    const { d } = this;
    const K = problem.docs.rows;
    const docs = problem.docs.data;
    const docsT = this.docsT;
    for (let k = 0; k < K; k++) {
      let norm2 = 0;
      for (let i = 0; i < d; i++) {
        const x = docs[k * d + i];
        docsT[i * K + k] = x;
        norm2 += x * x;
      }
      this.norms[k] = Math.sqrt(norm2);
    }
    const target = teacherTarget(problem.teacherScores, refit);
    for (let k = 0; k < K; k++) this.p[k] = target[k];
    for (let i = 0; i < d; i++) this.q[i] = problem.query[i];
    this.m.fill(0);
    this.v.fill(0);
    const dots = this.dots;
    dots.fill(0);
    let qq = 0;
    for (let i = 0; i < d; i++) {
      const qi = this.q[i];
      qq += qi * qi;
      const base = i * K;
      for (let k = 0; k < K; k++) dots[k] += docsT[base + k] * qi;
    }
    this.qq = qq;
  }

  /** The loss at the current query, and the gradient's coefficients a_k and β (closedFormGradient.md). */
  closedForm(K: number, refit: boolean): number {
    const { norms, dots, den, clamped, c, z, r, u, a, p } = this;
    const N2 = this.qq;
    const N = Math.sqrt(N2);
    for (let k = 0; k < K; k++) {
      const raw = norms[k] * N;
      clamped[k] = raw > COSINE_EPS ? 0 : 1;
      den[k] = clamped[k] ? COSINE_EPS : raw;
      c[k] = dots[k] / den[k];
    }
    let argMin = 0;
    let argMax = 0;
    let S = 1;
    if (refit) {
      for (let k = 1; k < K; k++) {
        if (c[k] < c[argMin]) argMin = k;
        if (c[k] > c[argMax]) argMax = k;
      }
      S = c[argMax] - c[argMin] + MINMAX_EPS;
      for (let k = 0; k < K; k++) z[k] = (c[k] - c[argMin]) / S;
    } else {
      for (let k = 0; k < K; k++) z[k] = c[k];
    }
    let zMax = -Infinity;
    for (let k = 0; k < K; k++) if (z[k] > zMax) zMax = z[k];
    let sum = 0;
    for (let k = 0; k < K; k++) {
      r[k] = Math.exp(z[k] - zMax);
      sum += r[k];
    }
    let loss = 0;
    let gBar = 0;
    for (let k = 0; k < K; k++) {
      r[k] /= sum;
      loss += p[k] * Math.log((p[k] + KL_EPS) / (r[k] + KL_EPS));
      // u holds g_k = ∂L/∂r_k for now.
      u[k] = -p[k] / (r[k] + KL_EPS);
      gBar += r[k] * u[k];
    }
    for (let k = 0; k < K; k++) u[k] = r[k] * (u[k] - gBar);
    if (refit) {
      let toMin = 0;
      let toMax = 0;
      for (let k = 0; k < K; k++) {
        toMin += u[k] * (z[k] - 1);
        toMax -= u[k] * z[k];
      }
      for (let k = 0; k < K; k++) u[k] /= S;
      u[argMin] += toMin / S;
      u[argMax] += toMax / S;
    }
    let beta = 0;
    for (let k = 0; k < K; k++) {
      a[k] = u[k] / den[k];
      if (!clamped[k]) beta += u[k] * c[k];
    }
    this.beta = N2 > 0 ? beta / N2 : 0;
    return loss;
  }

  /**
   * g = Σ_k a_k D_k − β q and one Adam step, fused with the next step's dot products and |q|² (the new q_i
   * is final as soon as element i is updated).
   */
  adamStep(K: number, stepSize: number, bc2Sqrt: number): void {
    const { d, docsT, q, a, beta } = this;
    const next = this.nextDots;
    next.fill(0);
    let qq = 0;
    let i = 0;
    // Four elements at a time: four independent sums per document row (the adds are latency-bound
    // otherwise), and one read-modify-write of next[k] per four elements.
    for (; i + 4 <= d; i += 4) {
      const b0 = i * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let g0 = -beta * q[i];
      let g1 = -beta * q[i + 1];
      let g2 = -beta * q[i + 2];
      let g3 = -beta * q[i + 3];
      for (let k = 0; k < K; k++) {
        const ak = a[k];
        g0 += ak * docsT[b0 + k];
        g1 += ak * docsT[b1 + k];
        g2 += ak * docsT[b2 + k];
        g3 += ak * docsT[b3 + k];
      }
      const q0 = this.adam(i, g0, stepSize, bc2Sqrt);
      const q1 = this.adam(i + 1, g1, stepSize, bc2Sqrt);
      const q2 = this.adam(i + 2, g2, stepSize, bc2Sqrt);
      const q3 = this.adam(i + 3, g3, stepSize, bc2Sqrt);
      qq += q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3;
      for (let k = 0; k < K; k++)
        next[k] += docsT[b0 + k] * q0 + docsT[b1 + k] * q1 + docsT[b2 + k] * q2 + docsT[b3 + k] * q3;
    }
    for (; i < d; i++) {
      const base = i * K;
      let g = -beta * q[i];
      for (let k = 0; k < K; k++) g += a[k] * docsT[base + k];
      const qn = this.adam(i, g, stepSize, bc2Sqrt);
      qq += qn * qn;
      for (let k = 0; k < K; k++) next[k] += docsT[base + k] * qn;
    }
    this.nextDots = this.dots;
    this.dots = next;
    this.qq = qq;
  }

  /** torch.optim.Adam on element i with gradient g; returns the new q_i (float32). */
  private adam(i: number, g: number, stepSize: number, bc2Sqrt: number): number {
    const m = Math.fround(this.m[i] * B1 + g * B1C);
    const v = Math.fround(this.v[i] * B2 + g * g * B2C);
    this.m[i] = m;
    this.v[i] = v;
    const qn = Math.fround(this.q[i] - (stepSize * m) / (Math.sqrt(v) / bc2Sqrt + ADAM_EPS));
    this.q[i] = qn;
    return qn;
  }
}
