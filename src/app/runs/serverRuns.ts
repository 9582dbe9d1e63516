import type { RunListing } from '../../core/experiment/runListing';

/** The server's finished runs, newest first; an empty list when the server has none or cannot say. */
export async function listServerRuns(origin: string, fetchFn: typeof fetch = fetch): Promise<RunListing[]> {
  try {
    const response = await fetchFn(new URL('/api/runs', origin).href);
    if (!response.ok) return [];
    return ((await response.json()) as { runs?: RunListing[] }).runs ?? [];
  } catch {
    return [];
  }
}
