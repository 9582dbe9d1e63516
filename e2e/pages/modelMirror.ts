import type { Page } from '@playwright/test';

/**
 * Opens the app with models downloaded from this server's mirror (`/hf/`, the fixture models) and returns
 * the list every request of the page's context is added to (to check that nothing went elsewhere).
 */
export async function openWithModelMirror(page: Page): Promise<string[]> {
  const requests: string[] = [];
  page.context().on('request', (r) => requests.push(r.url()));
  await page.goto('/');
  await page.evaluate(() => window.refinementExplorer.setModelHost('/hf/'));
  return requests;
}
