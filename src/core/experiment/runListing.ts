/**
 * A finished run as the server's `GET /api/runs` lists it (server/routes/runs.ts) and the app reads it
 * (src/app/runs/serverRuns.ts): enough to pick one, nothing of the server's paths.
 */
export interface RunListing {
  /** The run folder's name in RUNS_DIR, as `?run=<name>` names it. */
  name: string;
  layout: 'project' | 'reference';
  dataset: string | null;
  embedding_model: string | null;
  teacher: string | null;
  queries: number | null;
  /** The run's own timestamp, else the folder's modification time (ISO). */
  created: string;
}
