import { hashIntegers } from '../hash';
import { matrix, row, type Matrix } from '../matrix';
import type { LongTaskOptions } from '../progress';
import { selectForDisplay } from '../projection/displayBudget';
import { fitProjection, type Projection } from '../projection/umapProjection';
import { placeByNeighbours } from '../projection/placeByNeighbours';
import { SeededRandom } from '../rng';
import type { ExperimentResult } from './pipeline';
import { ranksOf } from './session';

/** The map of one query: its drawn candidates in 2-D and the query's path over them. */
export interface QueryProjection {
  index: number;
  /** Drawn documents: their candidate positions. */
  candidates: Int32Array;
  /** x, y per drawn document. */
  coords: Float32Array;
  /** Gold label per drawn document. */
  labels: Float32Array;
  /** 1-based ranks before and after refinement per drawn document. */
  rankBefore: Int32Array;
  rankAfter: Int32Array;
  /** Per drawn document: index into the teacher's scores, or -1 when the teacher did not score it. */
  sampledIndex: Int32Array;
  texts: string[];
  docIds: string[];
  /** x, y of the query at each recorded step (step 0 = the original query). */
  trajectory: Float32Array;
  /** All candidates of the query, drawn or not. */
  total: number;
  truncated: boolean;
  /** How the map was made when it is not a UMAP of the documents' embeddings (a run opened without them). */
  note?: string;
  /** Absent: a UMAP. `path`: a PCA of the query's path; `similarity`: cosines before (x) and after (y). */
  kind?: 'path' | 'similarity';
}

/**
 * The map of query `index` over its `drawn` candidates (positions in its candidate list) at `coords`, with
 * what the views show of each drawn document; a UMAP or, with `kind`, another placement.
 */
export function projectionOf(
  dataset: ExperimentResult['dataset'],
  index: number,
  drawn: Int32Array,
  placement: {
    coords: Float32Array;
    trajectory: Float32Array;
    note?: string;
    kind?: QueryProjection['kind'];
  },
  ranks: { before: ArrayLike<number>; after: ArrayLike<number>; sampledIndex: Map<number, number> },
): QueryProjection {
  const q = dataset.queries[index];
  const docs = Array.from(drawn, (c) => dataset.documents[q.candidates[c]]);
  return {
    index,
    candidates: drawn,
    coords: placement.coords,
    labels: Float32Array.from(drawn, (c) => q.labels[c]),
    rankBefore: Int32Array.from(drawn, (c) => ranks.before[c]),
    rankAfter: Int32Array.from(drawn, (c) => ranks.after[c]),
    sampledIndex: Int32Array.from(drawn, (c) => ranks.sampledIndex.get(c) ?? -1),
    texts: docs.map((d) => d.text),
    docIds: docs.map((d) => d.id),
    trajectory: placement.trajectory,
    total: q.candidates.length,
    truncated: drawn.length < q.candidates.length,
    ...(placement.note !== undefined && { note: placement.note }),
    ...(placement.kind !== undefined && { kind: placement.kind }),
  };
}

/** What a map is made from: the run's candidates and embeddings, and each query's path (a live session or an opened run). */
export interface ProjectableRun {
  readonly result: Pick<ExperimentResult, 'dataset' | 'scores' | 'sampled' | 'docEmbeddings'>;
  /** The query vector at every recorded step (step 0 = original), rows in step order. */
  trajectory(index: number): Matrix;
}

export interface ProjectionSettings {
  /** At most this many documents are fitted and drawn (plus the query's relevant and sampled ones). */
  budget: number;
  seed: number;
}

interface Fitted {
  projection: Projection;
  /** The fitted documents' embeddings, rows in `fitted` order. */
  embeddings: Matrix;
  /** Candidate positions fitted, ascending. */
  fitted: Int32Array;
}

/**
 * Maps queries with UMAP. Queries that share their candidate set (classification datasets: every query
 * ranks the whole corpus) share one fit: the map stays put when the user moves between queries, and only
 * each query's relevant and sampled documents outside the fitted sample are placed with `transform`.
 */
export class QueryProjector {
  private readonly fits = new Map<string, Promise<Fitted>>();

  constructor(
    private readonly session: ProjectableRun,
    private readonly settings: ProjectionSettings,
  ) {}

  async project(index: number, options: LongTaskOptions = {}): Promise<QueryProjection> {
    const { result } = this.session;
    const q = result.dataset.queries[index];
    const fit = await this.fitFor(q.candidates, options);
    const before = ranksOf(result.scores.original[index]);
    const after = ranksOf((result.scores.optimized ?? result.scores.original)[index]);
    const sampledIndex = new Map<number, number>();
    result.sampled[index].forEach((c, k) => sampledIndex.set(c, k));

    // Always drawn: the relevant and the sampled documents, and the top 10 before and after.
    const mustKeep = new Set<number>(sampledIndex.keys());
    for (let c = 0; c < q.candidates.length; c++)
      if (q.labels[c] > 0 || before[c] <= 10 || after[c] <= 10) mustKeep.add(c);
    const fittedSet = new Set(fit.fitted);
    const extra = [...mustKeep].filter((c) => !fittedSet.has(c)).sort((a, b) => a - b);
    const extraCoords = extra.length
      ? fit.projection.transform(this.rows(q.candidates, extra))
      : new Float32Array(0);

    const drawn = Int32Array.from([...fit.fitted, ...extra]);
    const coords = new Float32Array(drawn.length * 2);
    coords.set(fit.projection.coordinates);
    coords.set(extraCoords, fit.fitted.length * 2);
    const trajectory = placeByNeighbours(
      fit.embeddings,
      fit.projection.coordinates,
      this.session.trajectory(index),
    );
    return projectionOf(
      result.dataset,
      index,
      drawn,
      { coords, trajectory },
      { before, after, sampledIndex },
    );
  }

  private fitFor(candidates: Int32Array, options: LongTaskOptions): Promise<Fitted> {
    const key = candidateSetKey(candidates);
    let fit = this.fits.get(key);
    if (!fit) {
      fit = this.fit(candidates, options);
      this.fits.set(key, fit);
      // A failed or cancelled fit is not kept: the next request tries again.
      fit.catch(() => this.fits.delete(key));
    }
    return fit;
  }

  private async fit(candidates: Int32Array, options: LongTaskOptions): Promise<Fitted> {
    const { budget, seed } = this.settings;
    const fitted = selectForDisplay(candidates.length, budget, [], seed).indices;
    const embeddings = this.rows(candidates, fitted);
    const projection = await fitProjection(embeddings, {
      seed: new SeededRandom(seed).int(2 ** 31),
      ...options,
    });
    return { projection, fitted, embeddings };
  }

  private rows(candidates: Int32Array, positions: ArrayLike<number>): Matrix {
    const docs = this.session.result.docEmbeddings;
    const out = matrix(positions.length, docs.cols);
    for (let i = 0; i < positions.length; i++)
      out.data.set(row(docs, candidates[positions[i]]), i * docs.cols);
    return out;
  }
}

/** Identifies a candidate set by its size and an FNV-1a hash of its document indices. */
function candidateSetKey(candidates: Int32Array): string {
  return `${candidates.length}:${hashIntegers(candidates)}`;
}
