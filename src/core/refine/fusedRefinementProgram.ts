import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPS, COSINE_EPS, KL_EPS, MINMAX_EPS } from './refinementBatch';

/** Rows of partial sums reduced together in workgroup memory (CHUNK × workgroup size floats). */
const CHUNK = 8;

/**
 * The most sampled documents per query the fused kernel takes: its workgroup memory is about
 * 9 KiB + 32 bytes per document, and WebGPU guarantees 16 KiB (200 documents: 15.3 KiB).
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
 * the O(K) scalar part (cosines, min-max, softmax, KL loss and its gradient coefficients) by one thread;
 * then every thread forms its elements of the gradient and takes the Adam step.
 *
 * Inputs (tfjs tensors): docs [Q, K, d] (zero rows where a query has fewer documents), queries [Q, d],
 * teacher [Q, K] (the target distribution p, zeros after counts[q]), counts [Q] int32, schedule
 * [max(steps, 1), 2] (Adam's step size and sqrt(1 − β2^t) per step). Uniforms: numSteps, recordEvery,
 * numSnapshots. d, K, the workgroup size and the variant are compiled in (one pipeline per combination).
 *
 * exp and log are computed by range reduction and short series rather than the built-ins, whose WGSL
 * accuracy bounds (and the fast approximations GPUs use) are too loose for the golden cases' 1e-5.
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
    const WG = this.workgroupSize[0];
    const rows = this.width + 1;
    const chunks = Math.ceil(rows / CHUNK);
    return `
const D = ${this.layout.dims};
const KMAX = ${this.width};
const WG = ${WG};
const E = ${this.elementsPerThread};
const CH = ${CHUNK};
const NCH = ${chunks};
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

var<workgroup> red : array<f32, ${CHUNK * WG}>;
var<workgroup> red2 : array<f32, WG>;
var<workgroup> rowSums : array<f32, ${chunks * CHUNK}>;
var<workgroup> norms : array<f32, KMAX>;
var<workgroup> coef : array<f32, KMAX>;
var<workgroup> sC : array<f32, KMAX>;
var<workgroup> sDen : array<f32, KMAX>;
var<workgroup> sZ : array<f32, KMAX>;
var<workgroup> sR : array<f32, KMAX>;
var<workgroup> sU : array<f32, KMAX>;
var<workgroup> betaShared : f32;
var<private> part : array<f32, ${chunks * CHUNK}>;

// exp(x) to about 1 ulp: x = n ln2 + r (Cody-Waite), degree-7 Taylor on |r| <= ln2 / 2.
fn expAccurate(x : f32) -> f32 {
  if (x < -87.0) { return 0.0; }
  let n = round(x * 1.44269504088896341);
  let r = (x - n * 0.693359375) + n * 2.12194440e-4;
  let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.166666667 + r * (0.0416666667
      + r * (0.00833333333 + r * (0.00138888889 + r * 0.000198412698))))));
  return ldexp(p, i32(n));
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
  let u = (m - 1.0) / (m + 1.0);
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

// Sums each of the NCH·CH rows of 'part' over the workgroup into rowSums. Uniform control flow only.
fn reduceRows(tid : i32) {
  for (var ch = 0; ch < NCH; ch++) {
    for (var r = 0; r < CH; r++) {
      red[r * WG + tid] = part[ch * CH + r];
    }
    workgroupBarrier();
    let row = tid / TPR;
    let seg = tid % TPR;
    var s = 0.0;
    for (var j = 0; j < CH; j++) {
      s += red[row * WG + j * TPR + seg];
    }
    red2[tid] = s;
    workgroupBarrier();
    if (tid < CH) {
      var t = 0.0;
      for (var j = 0; j < TPR; j++) {
        t += red2[tid * TPR + j];
      }
      rowSums[ch * CH + tid] = t;
    }
  }
  workgroupBarrier();
}

// The O(K) part of a step (one thread): loss, and the gradient's coefficients coef[k] and betaShared.
fn closedForm(query : i32, count : i32) -> f32 {
  let N2 = rowSums[KMAX];
  let N = sqrt(N2);
  var argMin = 0;
  var argMax = 0;
  for (var k = 0; k < count; k++) {
    let raw = norms[k] * N;
    let den = select(COS_EPS, raw, raw > COS_EPS);
    sDen[k] = den;
    let c = rowSums[k] / den;
    sC[k] = c;
    if (c < sC[argMin]) { argMin = k; }
    if (c > sC[argMax]) { argMax = k; }
  }
  let cMin = sC[argMin];
  let S = select(1.0, sC[argMax] - cMin + MM_EPS, REFIT);
  var zMax = -3.0e38;
  for (var k = 0; k < count; k++) {
    let z = select(sC[k], (sC[k] - cMin) / S, REFIT);
    sZ[k] = z;
    zMax = max(zMax, z);
  }
  // Compensated sums: a plain float32 sum of K exponentials is off by up to ~K/2 ulp, and that error
  // shifts every log r_k alike, i.e. goes straight into the loss (2e-7 with K = 50, over the tolerance).
  var sum = vec2<f32>(0.0);
  for (var k = 0; k < count; k++) {
    let e = expAccurate(sZ[k] - zMax);
    sR[k] = e;
    sum = addCompensated(sum, e);
  }
  let total = sum.x + sum.y;
  var loss = vec2<f32>(0.0);
  var gBar = vec2<f32>(0.0);
  for (var k = 0; k < count; k++) {
    let r = sR[k] / total;
    sR[k] = r;
    let p = teacher[query * KMAX + k];
    loss = addCompensated(loss, p * logAccurate((p + KL_EPS) / (r + KL_EPS)));
    let g = -p / (r + KL_EPS);
    sU[k] = g;
    gBar = addCompensated(gBar, r * g);
  }
  let gMean = gBar.x + gBar.y;
  var toMin = 0.0;
  var toMax = 0.0;
  for (var k = 0; k < count; k++) {
    let u = sR[k] * (sU[k] - gMean);
    sU[k] = u;
    toMin += u * (sZ[k] - 1.0);
    toMax -= u * sZ[k];
  }
  if (REFIT) {
    for (var k = 0; k < count; k++) {
      sU[k] = sU[k] / S;
    }
    sU[argMin] += toMin / S;
    sU[argMax] += toMax / S;
  }
  var beta = 0.0;
  for (var k = 0; k < KMAX; k++) {
    if (k < count) {
      coef[k] = sU[k] / sDen[k];
      if (sDen[k] > COS_EPS) { beta += sU[k] * sC[k]; }
    } else {
      coef[k] = 0.0;
    }
  }
  betaShared = select(0.0, beta / N2, N2 > 0.0);
  return loss.x + loss.y;
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

  var qv : array<f32, E>;
  var mv : array<f32, E>;
  var vv : array<f32, E>;
  for (var e = 0; e < E; e++) {
    let i = tid + e * WG;
    if (i < D) {
      qv[e] = queries[query * D + i];
      if (writes) { result[query * D + i] = qv[e]; }
    }
    mv[e] = 0.0;
    vv[e] = 0.0;
  }

  // Document norms.
  for (var r = 0; r < NCH * CH; r++) { part[r] = 0.0; }
  for (var k = 0; k < KMAX; k++) {
    for (var e = 0; e < E; e++) {
      let i = tid + e * WG;
      if (i < D) {
        let x = docs[docBase + k * D + i];
        part[k] += x * x;
      }
    }
  }
  reduceRows(tid);
  for (var k = tid; k < KMAX; k += WG) { norms[k] = sqrt(rowSums[k]); }
  workgroupBarrier();

  for (var t = 1; t <= steps; t++) {
    for (var r = 0; r < NCH * CH; r++) { part[r] = 0.0; }
    for (var e = 0; e < E; e++) {
      let i = tid + e * WG;
      if (i < D) {
        let x = qv[e];
        part[KMAX] += x * x;
        for (var k = 0; k < KMAX; k++) {
          part[k] += docs[docBase + k * D + i] * x;
        }
      }
    }
    reduceRows(tid);
    if (tid == 0) {
      let loss = closedForm(query, count);
      if (writes) { result[lossOffset + query * steps + t - 1] = loss; }
    }
    workgroupBarrier();
    let beta = betaShared;
    let stepSize = schedule[2 * (t - 1)];
    let bc2Sqrt = schedule[2 * (t - 1) + 1];
    let every = uniforms.recordEvery;
    var slot = -1;
    if (t == steps) {
      slot = uniforms.numSnapshots - 1;
    } else if (every > 0 && t % every == 0) {
      slot = t / every;
    }
    for (var e = 0; e < E; e++) {
      let i = tid + e * WG;
      if (i < D) {
        var g = -beta * qv[e];
        for (var k = 0; k < KMAX; k++) {
          g += coef[k] * docs[docBase + k * D + i];
        }
        let m = mv[e] * B1 + g * B1C;
        let v = vv[e] * B2 + g * g * B2C;
        mv[e] = m;
        vv[e] = v;
        qv[e] = qv[e] - stepSize * m / (sqrt(v) / bc2Sqrt + ADAM_EPS);
        if (slot >= 0 && writes) {
          result[(slot * Q + query) * D + i] = qv[e];
        }
      }
    }
  }
}
`;
  }
}
