import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPS, COSINE_EPS, KL_EPS, MINMAX_EPS } from './refinementBatch';

/** Rows of partial sums reduced together in workgroup memory (CHUNK × workgroup size floats). */
const CHUNK = 8;
/** Per-document arrays of one step's O(K) part, kept in workgroup memory (see closedForm). */
const PER_DOCUMENT_ARRAYS = 10;
/** Each thread keeps its E·K document elements in registers when there are at most this many. */
const MAX_REGISTER_DOCUMENT_ELEMENTS = 128;

/**
 * The most sampled documents per query the fused kernel takes: its workgroup memory is
 * max(CHUNK·256 + 256, 10·K) + 3·K + 8 floats at the widest workgroup, and WebGPU guarantees 16 KiB
 * (200 documents: 11.4 KiB).
 */
export const MAX_FUSED_DOCUMENTS = 200;

/** Where the program writes what: one flat float32 output, [snapshots | losses]. */
export interface FusedRefinementLayout {
  queries: number;
  dims: number;
  steps: number;
  /** Snapshots kept: step 0, every recordEvery-th step, the last step (which is also the refined query). */
  snapshots: number;
  /** Snapshot s of query q starts at (s·Q + q)·d; the losses, [Q, steps], start at `lossOffset`. */
  lossOffset: number;
  size: number;
}

export function fusedRefinementLayout(
  queries: number,
  dims: number,
  steps: number,
  snapshots: number,
): FusedRefinementLayout {
  const lossOffset = snapshots * queries * dims;
  return { queries, dims, steps, snapshots, lossOffset, size: lossOffset + queries * steps };
}

/**
 * One compute dispatch that runs every Adam step of every query (closedFormGradient.md): one workgroup per
 * query, each thread holding E = ceil(d / workgroup size) elements of the query and of Adam's moments in
 * registers. Per step: partial dot products with the K documents and |q|², reduced in workgroup memory;
 * the O(K) part (cosines, min-max, softmax, KL loss and its gradient coefficients) spread over the threads,
 * one document each, its sums formed by every thread alike from workgroup memory (no broadcast needed);
 * then every thread forms its elements of the gradient and takes the Adam step.
 *
 * Inputs (tfjs tensors): docs [Q, K, d] (zero rows where a query has fewer documents), queries [Q, d],
 * teacher [Q, K] (the target distribution p, zeros after counts[q]), counts [Q] int32, schedule
 * [max(steps, 1), 2] (Adam's step size and sqrt(1 − β2^t) per step). Uniforms: numSteps, recordEvery,
 * numSnapshots. d, K, the workgroup size and the variant are compiled in (one pipeline per combination).
 *
 * The per-element passes are unrolled here, in TypeScript, so that every index into the threads' private
 * arrays is a constant: GPU compilers then keep those arrays in registers, and the K loads of a pass are
 * issued together instead of one memory latency after another (rolled, the kernel took 4.5 against 2.0 ms
 * on an H100 at its idle clock, one query, d = 1,024). Each thread holds its E·K document elements in
 * registers when they are few enough (MAX_REGISTER_DOCUMENT_ELEMENTS), else reads them from the docs
 * buffer every pass. The O(K) part's loops run to the constant K for the same reason.
 *
 * exp, log, division and sqrt are computed by range reduction, short series and a correction step rather
 * than the built-ins, whose WGSL accuracy bounds (2.5 ulp for division; the fast approximations GPUs use)
 * are too loose for the golden cases' 1e-5: a small loss is the sum of logs of ratios of such quotients.
 */
export class FusedRefinementProgram implements WebGPUProgram {
  readonly variableNames = ['docs', 'queries', 'teacher', 'counts', 'schedule'];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly uniforms = 'numSteps : i32, recordEvery : i32, numSnapshots : i32,';
  private readonly elementsPerThread: number;

  constructor(
    private readonly layout: FusedRefinementLayout,
    private readonly width: number,
    private readonly refit: boolean,
  ) {
    const { dims } = layout;
    // Enough threads to keep a few elements each; at least CHUNK, a multiple of CHUNK, at most 256.
    const threads = Math.min(256, Math.max(32, 1 << Math.ceil(Math.log2(Math.ceil(dims / 4)))));
    this.workgroupSize = [threads, 1, 1];
    this.elementsPerThread = Math.ceil(dims / threads);
    this.outputShape = [layout.size];
    this.dispatch = [layout.queries, 1, 1];
    this.shaderKey = `fusedRefinement_${dims}_${width}_${threads}_${refit ? 'refit' : 'kl'}`;
  }

  getUserCode(): string {
    const f = (x: number) => {
      const s = Math.fround(x).toExponential(9);
      return `f32(${s})`;
    };
    const D = this.layout.dims;
    const K = this.width;
    const E = this.elementsPerThread;
    const WG = this.workgroupSize[0];
    const chunks = Math.ceil((K + 1) / CHUNK);
    const inRegisters = E * K <= MAX_REGISTER_DOCUMENT_ELEMENTS;
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    // Statements for each of a thread's elements e (global index tid + e·WG), checked against d only
    // where that element can be past it.
    const perElement = (body: (e: number) => string[]) =>
      range(E)
        .map((e) => {
          const lines = body(e).map((l) => `    ${l}`);
          const test = (e + 1) * WG <= D ? '' : `if (tid + ${e * WG} < D) `;
          return `  ${test}{\n${lines.join('\n')}\n  }`;
        })
        .join('\n');
    const doc = (e: number, k: number) =>
      inRegisters ? `dv[${e * K + k}]` : `docs[docBase + ${k * D + e * WG} + tid]`;
    const reduceRows = [
      ...range(chunks).map((ch) =>
        [
          ...range(CHUNK).map((r) => `  scratch[${r} * WG + tid] = part[${ch * CHUNK + r}];`),
          `  reduceChunk(tid, ${ch});`,
        ].join('\n'),
      ),
      '  workgroupBarrier();',
    ].join('\n');
    return `
const D = ${D};
const KMAX = ${K};
const WG = ${WG};
const E = ${E};
const CH = ${CHUNK};
const TPR = ${WG / CHUNK};
const REFIT = ${this.refit};
const COS_EPS = ${f(COSINE_EPS)};
const KL_EPS = ${f(KL_EPS)};
const MM_EPS = ${f(MINMAX_EPS)};
const ADAM_EPS = ${f(ADAM_EPS)};
const B1 = ${f(ADAM_BETA1)};
const B1C = ${f(1 - ADAM_BETA1)};
const B2 = ${f(ADAM_BETA2)};
const B2C = ${f(1 - ADAM_BETA2)};

// The row reduction's two buffers and closedForm's per-document arrays, never live at the same time.
var<workgroup> scratch : array<f32, ${Math.max(CHUNK * WG + WG, PER_DOCUMENT_ARRAYS * K)}>;
var<workgroup> rowSums : array<f32, ${chunks * CHUNK}>;
var<workgroup> norms : array<f32, KMAX>;
var<workgroup> coef : array<f32, KMAX>;

// exp(x) to about 1 ulp: x = n ln2 + r (Cody-Waite), degree-7 Taylor on |r| <= ln2 / 2.
fn expAccurate(x : f32) -> f32 {
  if (x < -87.0) { return 0.0; }
  let n = round(x * 1.44269504088896341);
  let r = (x - n * 0.693359375) + n * 2.12194440e-4;
  let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.166666667 + r * (0.0416666667
      + r * (0.00833333333 + r * (0.00138888889 + r * 0.000198412698))))));
  return ldexp(p, i32(n));
}

// a / b to about 0.5 ulp: the quotient corrected by its exact remainder a − q·b (one fma).
fn divAccurate(a : f32, b : f32) -> f32 {
  let q = a / b;
  return q + fma(-q, b, a) / b;
}

// sqrt(x), x >= 0, to about 0.5 ulp: one Newton step on the built-in's result.
fn sqrtAccurate(x : f32) -> f32 {
  let s = sqrt(x);
  return select(s, s + fma(-s, s, x) / (2.0 * s), s > 0.0);
}

// log(x), x > 0, to about 1 ulp: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m-1)/(m+1)).
fn logAccurate(x : f32) -> f32 {
  let parts = frexp(x);
  var m = parts.fract;
  var e = parts.exp;
  if (m < 0.707106781) {
    m = m * 2.0;
    e = e - 1;
  }
  let u = divAccurate(m - 1.0, m + 1.0);
  let u2 = u * u;
  let series = 2.0 * u * (1.0 + u2 * (0.333333333 + u2 * (0.2 + u2 * (0.142857143 + u2 * 0.111111111))));
  let fe = f32(e);
  return fe * 0.693359375 + (series - fe * 2.12194440e-4);
}

// Neumaier's summation: (sum, compensation) + x.
fn addCompensated(acc : vec2<f32>, x : f32) -> vec2<f32> {
  let t = acc.x + x;
  let lost = select((x - t) + acc.x, (acc.x - t) + x, abs(acc.x) >= abs(x));
  return vec2<f32>(t, acc.y + lost);
}

// (sum, compensation) + a·b, the product's rounding error (fma) included.
fn addProduct(acc : vec2<f32>, a : f32, b : f32) -> vec2<f32> {
  let p = a * b;
  let sum = addCompensated(acc, p);
  return vec2<f32>(sum.x, sum.y + fma(a, b, -p));
}

// Sums chunk ch of the threads' partial-sum rows over the workgroup into rowSums[ch·CH, ch·CH + CH): the
// caller has put row ch·CH + r of thread tid at scratch[r·WG + tid]; scratch[CH·WG, CH·WG + WG) takes the
// first reduction. Uniform control flow only.
fn reduceChunk(tid : i32, ch : i32) {
  workgroupBarrier();
  let row = tid / TPR;
  let seg = tid % TPR;
  var s = vec2<f32>(0.0);
  for (var j = 0; j < CH; j++) {
    s = addCompensated(s, scratch[row * WG + j * TPR + seg]);
  }
  scratch[CH * WG + tid] = s.x + s.y;
  workgroupBarrier();
  if (tid < CH) {
    var t = vec2<f32>(0.0);
    for (var j = 0; j < TPR; j++) {
      t = addCompensated(t, scratch[CH * WG + tid * TPR + j]);
    }
    rowSums[ch * CH + tid] = t.x + t.y;
  }
}

// The O(K) part of a step, run by every thread: thread t takes documents t, t + WG, ...; each sum over the
// documents is then formed by every thread alike, in document order, from workgroup memory, so all
// threads hold the same loss, extremes and gradient coefficients without a further broadcast. Writes
// coef[k] and returns (loss, beta): the gradient is sum_k coef[k] d_k − beta q.
// Per-document arrays in scratch (the row reduction's buffers are dead here): each written by its document's
// thread, read by all only after a barrier, and never rewritten while another thread may still read it.
const DEN = 0;
const COS = KMAX;
const Z = 2 * KMAX;
const EXP = 3 * KMAX; // then the terms of the gradient through the minimum (the exponentials are used up)
const R = 4 * KMAX;
const U = 5 * KMAX;
const LOSS = 6 * KMAX;
const RG = 7 * KMAX;
const TO_MAX = 8 * KMAX;
const BETA = 9 * KMAX;

fn closedForm(query : i32, count : i32, tid : i32) -> vec2<f32> {
  let N2 = rowSums[KMAX];
  let N = sqrtAccurate(N2);
  for (var k = tid; k < count; k += WG) {
    let raw = norms[k] * N;
    let den = select(COS_EPS, raw, raw > COS_EPS);
    scratch[DEN + k] = den;
    scratch[COS + k] = divAccurate(rowSums[k], den);
  }
  workgroupBarrier();
  // The first minimum and maximum, as torch.argmin / argmax route min-max's gradient.
  var argMin = 0;
  var argMax = 0;
  var cMin = scratch[COS];
  var cMax = cMin;
  for (var k = 1; k < KMAX; k++) {
    let c = scratch[COS + k];
    if (k < count && c < cMin) { cMin = c; argMin = k; }
    if (k < count && c > cMax) { cMax = c; argMax = k; }
  }
  let S = select(1.0, cMax - cMin + MM_EPS, REFIT);
  // The largest softmax input: z is monotone in c, so it is z at the maximum.
  let zMax = select(cMax, divAccurate(cMax - cMin, S), REFIT);
  for (var k = tid; k < count; k += WG) {
    let c = scratch[COS + k];
    let z = select(c, divAccurate(c - cMin, S), REFIT);
    scratch[Z + k] = z;
    scratch[EXP + k] = expAccurate(z - zMax);
  }
  workgroupBarrier();
  // Compensated sums: a plain float32 sum of K exponentials is off by up to ~K/2 ulp, and that error
  // shifts every log r_k alike, i.e. goes straight into the loss (2e-7 with K = 50, over the tolerance).
  // (Loops over all documents run to the constant KMAX, so that compilers unroll them.)
  var sum = vec2<f32>(0.0);
  for (var k = 0; k < KMAX; k++) {
    if (k < count) { sum = addCompensated(sum, scratch[EXP + k]); }
  }
  let total = sum.x + sum.y;
  for (var k = tid; k < count; k += WG) {
    let r = divAccurate(scratch[EXP + k], total);
    let p = teacher[query * KMAX + k];
    let g = -divAccurate(p, r + KL_EPS);
    scratch[R + k] = r;
    scratch[U + k] = g;
    scratch[LOSS + k] = p * logAccurate(divAccurate(p + KL_EPS, r + KL_EPS));
    scratch[RG + k] = r * g;
  }
  workgroupBarrier();
  var loss = vec2<f32>(0.0);
  var gBar = vec2<f32>(0.0);
  for (var k = 0; k < KMAX; k++) {
    if (k < count) {
      loss = addCompensated(loss, scratch[LOSS + k]);
      gBar = addCompensated(gBar, scratch[RG + k]);
    }
  }
  let gMean = gBar.x + gBar.y;
  // u_k = dloss/dz_k; with ReFIT dloss/dc_k = u_k / S, plus the routed min and max terms below.
  for (var k = tid; k < count; k += WG) {
    let z = scratch[Z + k];
    let u = scratch[R + k] * (scratch[U + k] - gMean);
    scratch[U + k] = u;
    if (REFIT) {
      scratch[EXP + k] = u * (z - 1.0);
      scratch[TO_MAX + k] = -u * z;
    }
    let dc = select(u, divAccurate(u, S), REFIT);
    scratch[BETA + k] = select(0.0, dc * scratch[COS + k], scratch[DEN + k] > COS_EPS);
  }
  workgroupBarrier();
  var toMin = 0.0;
  var toMax = 0.0;
  var beta = 0.0;
  for (var k = 0; k < KMAX; k++) {
    if (k < count) {
      if (REFIT) {
        toMin += scratch[EXP + k];
        toMax += scratch[TO_MAX + k];
      }
      beta += scratch[BETA + k];
    }
  }
  toMin = divAccurate(toMin, S);
  toMax = divAccurate(toMax, S);
  if (REFIT) {
    if (scratch[DEN + argMin] > COS_EPS) { beta += toMin * scratch[COS + argMin]; }
    if (scratch[DEN + argMax] > COS_EPS) { beta += toMax * scratch[COS + argMax]; }
  }
  for (var k = tid; k < KMAX; k += WG) {
    var c = 0.0;
    if (k < count) {
      var dc = scratch[U + k];
      if (REFIT) {
        dc = divAccurate(dc, S);
        if (k == argMin) { dc += toMin; }
        if (k == argMax) { dc += toMax; }
      }
      c = divAccurate(dc, scratch[DEN + k]);
    }
    coef[k] = c;
  }
  workgroupBarrier();
  return vec2<f32>(loss.x + loss.y, select(0.0, divAccurate(beta, N2), N2 > 0.0));
}

fn main(index : i32) {
  // Past Q only when tfjs spreads more than 65,535 workgroups over y and z. No early return: tfjs copies
  // the built-ins into private variables, which the uniformity analysis does not trust around barriers.
  // Such a workgroup repeats the last query and writes nothing.
  let Q = uniforms.queriesShape.x;
  let linear = i32(workgroupId.x + workgroupId.y * numWorkgroups.x
      + workgroupId.z * numWorkgroups.x * numWorkgroups.y);
  let writes = linear < Q;
  let query = min(linear, Q - 1);
  let tid = i32(localId.x);
  let count = counts[query];
  let docBase = query * KMAX * D;
  let steps = uniforms.numSteps;
  let lossOffset = uniforms.numSnapshots * Q * D;

  // The thread's elements of the query and of Adam's moments (zero past d) and its partial sums (rows
  // 0..K-1 the documents, row K |q|²)${inRegisters ? '; its elements of the documents' : ''}.
  var qv : array<f32, E>;
  var mv : array<f32, E>;
  var vv : array<f32, E>;
  var part : array<f32, ${chunks * CHUNK}>;
${inRegisters ? `  var dv : array<f32, ${E * K}>;\n` : ''}${perElement((e) => [
      `qv[${e}] = queries[query * D + ${e * WG} + tid];`,
      `if (writes) { result[query * D + ${e * WG} + tid] = qv[${e}]; }`,
      ...(inRegisters
        ? range(K).map((k) => `dv[${e * K + k}] = docs[docBase + ${k * D + e * WG} + tid];`)
        : []),
    ])}

  // Document norms.
${perElement((e) => range(K).map((k) => `part[${k}] += ${doc(e, k)} * ${doc(e, k)};`))}
${reduceRows}
  for (var k = tid; k < KMAX; k += WG) { norms[k] = sqrtAccurate(rowSums[k]); }
  workgroupBarrier();

  for (var t = 1; t <= steps; t++) {
    part = array<f32, ${chunks * CHUNK}>();
${perElement((e) => [
  `part[${K}] += qv[${e}] * qv[${e}];`,
  ...range(K).map((k) => `part[${k}] += ${doc(e, k)} * qv[${e}];`),
])}
${reduceRows}
    let lossBeta = closedForm(query, count, tid);
    if (tid == 0 && writes) { result[lossOffset + query * steps + t - 1] = lossBeta.x; }
    let beta = lossBeta.y;
    let stepSize = schedule[2 * (t - 1)];
    let bc2Sqrt = schedule[2 * (t - 1) + 1];
    let every = uniforms.recordEvery;
    var slot = -1;
    if (t == steps) {
      slot = uniforms.numSnapshots - 1;
    } else if (every > 0 && t % every == 0) {
      slot = t / every;
    }
${perElement((e) => [
  // The gradient's K + 1 terms partly cancel: summed with their rounding errors.
  `var gc = addProduct(vec2<f32>(0.0), -beta, qv[${e}]);`,
  ...range(K).map((k) => `gc = addProduct(gc, coef[${k}], ${doc(e, k)});`),
  `let g = gc.x + gc.y;`,
  // torch.optim.Adam's float32 operations, in its order: lerp, addcmul, sqrt / bc2 + eps, addcdiv.
  `let m = mv[${e}] + B1C * (g - mv[${e}]);`,
  `let v = vv[${e}] * B2 + B2C * g * g;`,
  `mv[${e}] = m;`,
  `vv[${e}] = v;`,
  `let q = qv[${e}] - stepSize * divAccurate(m, divAccurate(sqrtAccurate(v), bc2Sqrt) + ADAM_EPS);`,
  `qv[${e}] = q;`,
  `if (slot >= 0 && writes) { result[(slot * Q + query) * D + ${e * WG} + tid] = q; }`,
])}
  }
}
`;
  }
}
