const CACHE_NAME = 'refinement-explorer-datasets';

/**
 * `fetch` through the browser's Cache Storage: a dataset file fetched once from its public source is read
 * from the cache on every later visit (sources are pinned to commits, so they do not change). Only complete
 * 200 answers are stored. Without Cache Storage (an insecure origin) it is plain `fetch`.
 */
export async function cachedFetch(url: string, init: { signal?: AbortSignal } = {}): Promise<Response> {
  const storage =
    typeof caches === 'undefined' ? undefined : await caches.open(CACHE_NAME).catch(() => undefined);
  const hit = await storage?.match(url);
  if (hit) return hit;
  const response = await fetch(url, { signal: init.signal });
  if (!storage || response.status !== 200) return response;
  // Stored after the body arrived in full, so a broken download is never cached.
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  headers.set('content-length', String(body.byteLength));
  headers.delete('content-encoding');
  const stored = new Response(body, { status: 200, headers });
  await storage.put(url, stored.clone()).catch(() => undefined);
  return stored;
}

/** Forgets every dataset file fetched from a public source. */
export async function clearDatasetCache(): Promise<void> {
  if (typeof caches !== 'undefined') await caches.delete(CACHE_NAME);
}
