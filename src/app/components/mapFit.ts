/** A data → screen placement of the map: data point (cx, cy) at the canvas centre, `scale` px per unit. */
export interface MapFit {
  cx: number;
  cy: number;
  scale: number;
}

interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function boundsOf(...sets: ArrayLike<number>[]): Bounds {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const xy of sets)
    for (let i = 0; i < xy.length; i += 2) {
      b.minX = Math.min(b.minX, xy[i]);
      b.maxX = Math.max(b.maxX, xy[i]);
      b.minY = Math.min(b.minY, xy[i + 1]);
      b.maxY = Math.max(b.maxY, xy[i + 1]);
    }
  return b;
}

/** Fits every point of the (x, y interleaved) sets inside a width × height canvas with `pad` px margins. */
export function fitAll(sets: ArrayLike<number>[], width: number, height: number, pad: number): MapFit {
  const b = boundsOf(...sets);
  return {
    cx: (b.minX + b.maxX) / 2,
    cy: (b.minY + b.maxY) / 2,
    scale: Math.min(
      (width - 2 * pad) / Math.max(b.maxX - b.minX, 1e-9),
      (height - 2 * pad) / Math.max(b.maxY - b.minY, 1e-9),
    ),
  };
}

/** The query's path spans at least this share of the canvas when following it. */
const MIN_PATH_SHARE = 0.4;
/** Never zoom further than this many times the fit of the path and its documents. */
const MAX_EXTRA_ZOOM = 6;

/**
 * "Follow the query": fit the path and the sampled documents; when that leaves the path short (the usual
 * case: sampled documents lie all over the map, the query moves a little), zoom in on the path until it
 * spans MIN_PATH_SHARE of the canvas, the documents beyond the edges left out of view.
 */
export function fitPath(
  path: ArrayLike<number>,
  sampled: ArrayLike<number>,
  width: number,
  height: number,
  pad: number,
): MapFit {
  const all = fitAll([path, sampled], width, height, pad);
  const p = boundsOf(path);
  const extent = Math.max(p.maxX - p.minX, p.maxY - p.minY, 1e-9);
  const wanted = Math.min((MIN_PATH_SHARE * Math.min(width, height)) / extent, all.scale * MAX_EXTRA_ZOOM);
  if (wanted <= all.scale) return all;
  return { cx: (p.minX + p.maxX) / 2, cy: (p.minY + p.maxY) / 2, scale: wanted };
}
