/** Number formats shared by the explorer's panels. */
export const formatMetric = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3);
export const formatDelta = (x: number) =>
  Number.isNaN(x) ? '–' : (x > 0 ? '+' : x < 0 ? '−' : '±') + Math.abs(x).toFixed(3);
export const formatScore = (x: number | null) =>
  x === null ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
