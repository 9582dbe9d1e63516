import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleReport } from '../../scripts/bundleReport';

/**
 * tfjs stays out of the app's main thread (docs/architecture.md): the page's entry chunk and what it
 * imports hold no tfjs, the compute worker's chunk does. Checked on a real production build of the app, and
 * the report's chunk graph on a made-up dist folder.
 */

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bundle-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('bundleReport', () => {
  it("follows the manifest's imports from the entry, finds the workers it names and tfjs markers", () => {
    const dist = tempDir();
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    mkdirSync(path.join(dist, '.vite'));
    const files: Record<string, string> = {
      'index-a.js': 'import"./shared-b.js";new Worker(new URL("/assets/worker-c.js",import.meta.url))',
      'shared-b.js': 'export const x=1;',
      'lazy-d.js': 'export const y="tfjsflags";',
      'worker-c.js': 'const f="tfjs-backend-wasm.wasm";',
      'unused-e.js': '',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dist, 'assets', name), text);
    writeFileSync(
      path.join(dist, '.vite/manifest.json'),
      JSON.stringify({
        'index.html': { file: 'assets/index-a.js', isEntry: true, imports: ['_b'], dynamicImports: ['d'] },
        _b: { file: 'assets/shared-b.js' },
        d: { file: 'assets/lazy-d.js', isDynamicEntry: true },
      }),
    );
    const report = bundleReport(dist);
    expect(report.graph_from).toBe('manifest');
    expect(Object.fromEntries(report.chunks.map((c) => [c.file, [c.role, c.tfjs]]))).toEqual({
      'assets/index-a.js': ['entry', []],
      'assets/lazy-d.js': ['main-thread', ['tfjsflags']],
      'assets/shared-b.js': ['main-thread', []],
      'assets/unused-e.js': ['other', []],
      'assets/worker-c.js': ['worker', ['tfjs-backend-wasm']],
    });
    expect(report.main_thread.entry).toBe('assets/index-a.js');
    expect(report.main_thread.tfjs_free).toBe(false);
    expect(report.chunks.every((c) => c.gzip_bytes > 0)).toBe(true);
  });
});

describe("the built app's main thread", () => {
  it('loads no tfjs: the entry chunk and its imports hold none, the compute worker holds it', async () => {
    const dist = tempDir();
    await build({
      root: path.resolve(import.meta.dirname, '../..'),
      logLevel: 'error',
      build: { outDir: dist, emptyOutDir: true, sourcemap: false, manifest: true },
    });
    const report = bundleReport(dist);
    expect(report.graph_from).toBe('manifest');
    expect(report.main_thread.tfjs_free, JSON.stringify(report.chunks, null, 1)).toBe(true);
    // The markers do find tfjs where it is: else "tfjs_free" would prove nothing.
    const worker = report.chunks.find((c) => c.file.includes('engine.worker'));
    expect(worker?.role).toBe('worker');
    expect(worker?.tfjs.length).toBeGreaterThan(0);
  });
});
