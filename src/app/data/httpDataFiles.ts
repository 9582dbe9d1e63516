import type { DataFiles } from '../../core/datasets/types';

/**
 * `DataFiles` over HTTP: the server's read-only `GET /data/<folder>/...` (how the browser loads the shared
 * datasets and an offline installation's local data folder). `baseUrl` is absolute, ending in '/'.
 */
export function httpDataFiles(baseUrl: string, fetchFn: typeof fetch = fetch): DataFiles {
  const url = (relativePath: string) =>
    new URL(relativePath.split('/').map(encodeURIComponent).join('/'), baseUrl).href;
  const get = async (relativePath: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetchFn(url(relativePath));
    } catch (e) {
      throw new Error(
        `cannot reach the server for ${url(relativePath)}: ${(e as Error).message}. Is it running?`,
        { cause: e },
      );
    }
    if (!response.ok) {
      const detail = await response
        .json()
        .then(
          (b: { message?: string }) => b.message,
          () => undefined,
        )
        .catch(() => undefined);
      throw new Error(
        `cannot read ${url(relativePath)}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`,
      );
    }
    return response;
  };
  return {
    location: baseUrl,
    async exists(relativePath) {
      const response = await fetchFn(url(relativePath), { method: 'HEAD' }).catch(() => undefined);
      return Boolean(response?.ok) && !(response?.headers.get('content-type') ?? '').startsWith('text/html');
    },
    readText: async (relativePath) => (await get(relativePath)).text(),
    readBytes: async (relativePath) => new Uint8Array(await (await get(relativePath)).arrayBuffer()),
  };
}

/** The dataset folders the server's data folder holds, or null when there is no server data folder. */
export async function listServerDataFolders(
  origin: string,
  fetchFn: typeof fetch = fetch,
): Promise<string[] | null> {
  try {
    const response = await fetchFn(new URL('/data/', origin).href, {
      headers: { accept: 'application/json' },
    });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return null;
    const body = (await response.json()) as { entries?: { name: string; type: string }[] };
    return (body.entries ?? []).filter((e) => e.type === 'folder').map((e) => e.name);
  } catch {
    return null;
  }
}
