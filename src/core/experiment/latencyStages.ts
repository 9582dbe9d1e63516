/**
 * The stages of the per-query latency report (`latency.ts`), in report order. A module of its own so that
 * the app's main thread can name them without importing the measurement, which pulls in tfjs.
 */
export const LATENCY_STAGES = ['embed_query', 'rank', 'teacher', 'refine', 'rescore', 'total'] as const;
export type LatencyStage = (typeof LATENCY_STAGES)[number];
