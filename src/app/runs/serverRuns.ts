/** A run folder in the server's runs folder, as `GET /api/runs` lists it (see server/routes/runs.ts). */
export interface ServerRun {
  name: string;
  layout: 'project' | 'reference';
  dataset: string | null;
  embedding_model: string | null;
  teacher: string | null;
  queries: number | null;
  created: string;
}

/** The server's finished runs, newest first; an empty list when the server has none or cannot say. */
export async function listServerRuns(origin: string, fetchFn: typeof fetch = fetch): Promise<ServerRun[]> {
  try {
    const response = await fetchFn(new URL('/api/runs', origin).href);
    if (!response.ok) return [];
    return ((await response.json()) as { runs?: ServerRun[] }).runs ?? [];
  } catch {
    return [];
  }
}
