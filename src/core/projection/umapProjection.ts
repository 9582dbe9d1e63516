import { UMAP } from 'umap-js';
import { COSINE_EPS } from '../compute/normaliseRows';
import { row, type Matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { SeededRandom } from '../rng';
import { yieldToEventLoop } from '../yieldToEventLoop';
import { cosineNeighbours } from './neighbours';

export interface ProjectionOptions extends LongTaskOptions {
  /**
   * UMAP's n_neighbors, which counts the point itself (as in umap-learn and umap-js): 15 means the point
   * and its 14 nearest others. Lowered to count − 1 for small inputs. Default 15.
   */
  nNeighbors?: number;
  /** Default 0.1. */
  minDist?: number;
  /**
   * Layout epochs. Default: umap-js's rule (500 up to 2,500 points, 400 up to 5,000, 300 up to 7,500,
   * else 200). A value given here is rounded up to a multiple of 3 (see `fitProjection`).
   */
  nEpochs?: number;
  /** Seeds every random choice of the fit and of `transform`: equal seeds give identical maps. */
  seed: number;
  /** Rows per device block of the neighbour search. */
  blockRows?: number;
}

/** A 2-D map of a set of points, and the means to place new points on it. */
export interface Projection {
  /** Points in the map. */
  readonly count: number;
  /** Dimensions of the points (and of those given to `transform`). */
  readonly dims: number;
  /** The UMAP n_neighbors actually used (self included). */
  readonly nNeighbors: number;
  /** The layout epochs actually run. */
  readonly nEpochs: number;
  /** x, y of point i at [2i, 2i + 1]. */
  readonly coordinates: Float32Array;
  /**
   * Places new points (the query, each trajectory step) on the map without moving the fitted ones:
   * x, y of new point i at [2i, 2i + 1]. Each point is placed on its own, each time with the same seeded
   * random stream, so a point's position depends only on the point (not on what else is placed with it
   * or before it), and nearby points share their random draws: a trajectory of small steps jitters about
   * four times less than with a fresh stream per point (it still jitters: umap-js's transform is a short
   * stochastic optimisation). Synchronous; its cost grows with the map (umap-js rebuilds a CSR copy of
   * the search graph on every call): about 8 ms a point for 2,000 points, 20 ms for 5,000 (wasm, Node).
   * A umap-js quirk: a placed point at row r of a batch gets zero weight from fitted point r; placing
   * one at a time means fitted point 0 never anchors a placed point.
   */
  transform(newPoints: Matrix): Float32Array;
}

const MIN_POINTS = 3;
const YIELD_EVERY_MS = 50;
/** Mixed into the seed for the random stream of `transform`, so that it differs from the fit's. */
const TRANSFORM_SEED_SALT = 0x7f4a7c15;

/** Cosine distance as in the rest of the engine: 1 − dot / max(|a||b|, 1e-8). */
function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return Math.max(0, 1 - dot / Math.max(Math.sqrt(aa * bb), COSINE_EPS));
}

function rowsOf(m: Matrix): number[][] {
  const out: number[][] = new Array<number[]>(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = Array.from(row(m, i));
  return out;
}

/** umap-js draws every random number through one function; this lets the stream be reseeded. */
class SwitchableRandom {
  private rng: SeededRandom;
  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }
  reseed(seed: number): void {
    this.rng = new SeededRandom(seed);
  }
  readonly next = (): number => this.rng.next();
}

class UmapProjection implements Projection {
  readonly count: number;
  readonly dims: number;

  constructor(
    private readonly umap: UMAP,
    private readonly random: SwitchableRandom,
    private readonly transformSeed: number,
    readonly nNeighbors: number,
    readonly nEpochs: number,
    readonly coordinates: Float32Array,
    points: Matrix,
  ) {
    this.count = points.rows;
    this.dims = points.cols;
  }

  transform(newPoints: Matrix): Float32Array {
    if (newPoints.cols !== this.dims)
      throw new Error(`transform: points have ${newPoints.cols} dims, the map was fitted on ${this.dims}`);
    const out = new Float32Array(newPoints.rows * 2);
    for (let i = 0; i < newPoints.rows; i++) {
      this.random.reseed(this.transformSeed);
      // One point at a time: umap-js moves the fitted points too when it is given exactly as many points
      // as it was fitted on, and a batch would share one random stream.
      const [placed] = this.umap.transform([Array.from(row(newPoints, i))]);
      out[2 * i] = placed[0];
      out[2 * i + 1] = placed[1];
    }
    return out;
  }
}

/**
 * UMAP (umap-js) of the rows of `points` under cosine distance, seeded. The neighbour graph comes from
 * `cosineNeighbours` on the tfjs backend and enters through `setPrecomputedKNN` in umap-js's own
 * convention: each row lists `nNeighbors` entries, the first being the point itself at distance 0 (its
 * fuzzy-set code skips the first entry and gives a point zero weight to itself), then its nNeighbors − 1
 * nearest others. The layout runs epoch by epoch, reporting progress, checking for cancellation and
 * yielding to the event loop every ~50 ms; the one long synchronous part is umap-js's graph construction
 * in `initializeFit`. The fitted projection keeps the points (as JS arrays, count × dims doubles):
 * umap-js's `transform` searches them.
 *
 * An `nEpochs` option is rounded up to a multiple of 3 because umap-js's `transform` then runs
 * nEpochs / 3 epochs and loops forever when that is not a whole number.
 */
export async function fitProjection(points: Matrix, options: ProjectionOptions): Promise<Projection> {
  const n = points.rows;
  if (n < MIN_POINTS)
    throw new Error(`A UMAP map needs at least ${MIN_POINTS} points; this selection has ${n}.`);
  const requested = options.nNeighbors ?? 15;
  if (!Number.isInteger(requested) || requested < 2)
    throw new Error(
      `nNeighbors must be an integer of at least 2 (the point and one other), got ${requested}`,
    );
  const nNeighbors = Math.min(requested, n - 1);
  const minDist = options.minDist ?? 0.1;
  if (options.nEpochs !== undefined && (!Number.isInteger(options.nEpochs) || options.nEpochs < 1))
    throw new Error(`nEpochs must be a positive integer, got ${options.nEpochs}`);
  const nEpochs = options.nEpochs === undefined ? undefined : Math.ceil(options.nEpochs / 3) * 3;

  const neighbours = await cosineNeighbours(points, nNeighbors - 1, options);
  const knnIndices: number[][] = new Array<number[]>(n);
  const knnDistances: number[][] = new Array<number[]>(n);
  const others = neighbours.k;
  for (let i = 0; i < n; i++) {
    const indices = [i];
    const distances = [0];
    for (let j = 0; j < others; j++) {
      indices.push(neighbours.indices[i * others + j]);
      distances.push(neighbours.distances[i * others + j]);
    }
    knnIndices[i] = indices;
    knnDistances[i] = distances;
  }
  throwIfAborted(options.signal);
  await yieldToEventLoop();
  throwIfAborted(options.signal);

  const random = new SwitchableRandom(options.seed);
  const umap = new UMAP({
    nNeighbors,
    minDist,
    nComponents: 2,
    distanceFn: cosineDistance,
    random: random.next,
    ...(nEpochs === undefined ? {} : { nEpochs }),
  });
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  const stage = 'Map: layout';
  const totalEpochs = umap.initializeFit(rowsOf(points));
  options.onProgress?.({ stage, done: 0, total: totalEpochs });
  let lastYield = performance.now();
  for (let epoch = 0; epoch < totalEpochs;) {
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    throwIfAborted(options.signal);
    epoch = umap.step();
    options.onProgress?.({ stage, done: epoch, total: totalEpochs });
  }

  const embedding = umap.getEmbedding();
  const coordinates = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    coordinates[2 * i] = embedding[i][0];
    coordinates[2 * i + 1] = embedding[i][1];
  }
  return new UmapProjection(
    umap,
    random,
    (options.seed ^ TRANSFORM_SEED_SALT) | 0,
    nNeighbors,
    totalEpochs,
    coordinates,
    points,
  );
}
