import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';

// A stand-in for the datasets' public hosts (raw GitHub here): real HTTP with CORS, serving the shared
// Banking77 files under the paths the app asks for (https://host/path → <mirror>/host/path).
const banking = path.resolve(new URL('.', import.meta.url).pathname, '../../shared/data/Banking77');
let server: Server;
let mirror: string;
const requests: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.setHeader('access-control-allow-origin', '*');
    const match = /\/banking_data\/(train|test)\.csv$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end('not found');
      return;
    }
    readFile(path.join(banking, `${match[1]}.csv`)).then(
      (body) => res.writeHead(200, { 'content-type': 'text/csv', 'content-length': body.length }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a dataset downloads from its public source in the browser, and a second visit reads the cache', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const url = `/?backend=wasm&dataset=Banking77&query=card_arrival&mirror=${encodeURIComponent(mirror)}`;
  await page.goto(url);
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done', {
    timeout: 240_000,
  });
  await expect(page.getByTestId('query-title')).toContainText('card arrival');
  const fetched = requests.filter((r) => r.includes('/raw.githubusercontent.com/PolyAI-LDN/'));
  expect(fetched.length).toBe(2);

  requests.length = 0;
  await page.reload();
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done', {
    timeout: 240_000,
  });
  expect(requests).toEqual([]);
});

test('an unreachable public source gives a clear message and the app keeps working', async ({ page }) => {
  await page.goto(`/?backend=wasm&dataset=ArgKP21&mirror=${encodeURIComponent(mirror)}`);
  await expect(page.getByTestId('run-error')).toContainText('HTTP 404');
  await page.getByTestId('dataset-select').selectOption('demo');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
});
