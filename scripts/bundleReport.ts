/**
 * The built app's JavaScript chunks (dist/assets): each one's size raw and gzipped, which of them the page's
 * main thread loads (the entry chunk and what it imports, statically or lazily, from Vite's manifest,
 * `build.manifest`; else from index.html and the chunks' own import statements), and which carry tfjs. tfjs
 * belongs in the compute worker only: `main_thread.tfjs_free` says the main thread loads none of it.
 *
 * `npx tsx scripts/bundleReport.ts [dist]` prints the report as JSON and exits 1 when the main thread
 * loads tfjs; `npm run bench:browser` puts it in its JSON as `bundle`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Strings only tfjs puts in a bundle (they survive minification): tfjs-core's flag parsing and kernel
 * registry, the WebGPU backend's flags, the WebAssembly backend's file names.
 */
export const TFJS_MARKERS = [
  'tfjsflags',
  'not registered for backend',
  'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE',
  'tfjs-backend-wasm',
] as const;

export interface ChunkReport {
  /** Relative to the dist folder, e.g. `assets/index-CB_UCGH_.js`. */
  file: string;
  bytes: number;
  gzip_bytes: number;
  /**
   * `entry`: the page's entry chunk; `main-thread`: loaded by it; `worker`: named by a main-thread chunk
   * (`new Worker(new URL(...))`) or by such a chunk in turn; `other`: none of these.
   */
  role: 'entry' | 'main-thread' | 'worker' | 'other';
  /** The tfjs markers the chunk holds (empty: no tfjs). */
  tfjs: string[];
}

export interface BundleReport {
  /** Where the main thread's chunk graph came from. */
  graph_from: 'manifest' | 'index.html';
  chunks: ChunkReport[];
  main_thread: {
    entry: string;
    files: string[];
    bytes: number;
    gzip_bytes: number;
    /** The main thread's chunks hold no tfjs marker. */
    tfjs_free: boolean;
  };
  total: { bytes: number; gzip_bytes: number };
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** The main thread's chunks from Vite's manifest: the HTML entry's file and its imports, transitively. */
function graphFromManifest(manifest: Record<string, ManifestChunk>): { entry: string; files: string[] } {
  const entryKey =
    Object.keys(manifest).find((k) => manifest[k].isEntry && k.endsWith('index.html')) ??
    Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entryKey) throw new Error('the Vite manifest names no entry chunk');
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const next of [...(manifest[key].imports ?? []), ...(manifest[key].dynamicImports ?? [])])
      visit(next);
  };
  visit(entryKey);
  return { entry: manifest[entryKey].file, files: [...seen].map((k) => manifest[k].file) };
}

/** Without a manifest: index.html's module script and the chunks its code imports (`from"./x.js"`, `import("./x.js")`). */
function graphFromHtml(dist: string): { entry: string; files: string[] } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const src = /<script[^>]*type="module"[^>]*src="\/?([^"]+\.js)"/.exec(html)?.[1];
  if (!src) throw new Error(`${dist}/index.html has no module script`);
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file) || !existsSync(path.join(dist, file))) return;
    files.add(file);
    const code = readFileSync(path.join(dist, file), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g))
      visit(path.posix.join(path.posix.dirname(file), m[1]));
  };
  visit(src);
  return { entry: src, files: [...files] };
}

/** The report of the built app in `dist` (see the module comment). */
export function bundleReport(dist: string): BundleReport {
  const manifestPath = path.join(dist, '.vite', 'manifest.json');
  const fromManifest = existsSync(manifestPath);
  const graph = fromManifest
    ? graphFromManifest(JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>)
    : graphFromHtml(dist);
  const mainThread = new Set(graph.files);
  const names = readdirSync(path.join(dist, 'assets'))
    .filter((name) => /\.(m?js)$/.test(name))
    .sort();
  const texts = new Map(names.map((name) => [name, readFileSync(path.join(dist, 'assets', name))]));
  // Workers: the chunks a main-thread chunk names, then those a worker chunk names, and so on.
  const workers = new Set<string>();
  let named = [...mainThread].map((file) => path.posix.basename(file));
  while (named.length > 0) {
    const sources = named.map((name) => texts.get(name)?.toString('utf8') ?? '');
    named = names.filter(
      (name) =>
        !mainThread.has(`assets/${name}`) &&
        !workers.has(name) &&
        sources.some((text) => text.includes(name)),
    );
    named.forEach((name) => workers.add(name));
  }
  const chunks: ChunkReport[] = names.map((name) => {
    const file = `assets/${name}`;
    const bytes = texts.get(name)!;
    const text = bytes.toString('utf8');
    return {
      file,
      bytes: bytes.length,
      gzip_bytes: gzipSync(bytes).length,
      role:
        file === graph.entry
          ? 'entry'
          : mainThread.has(file)
            ? 'main-thread'
            : workers.has(name)
              ? 'worker'
              : 'other',
      tfjs: TFJS_MARKERS.filter((marker) => text.includes(marker)),
    };
  });
  const main = chunks.filter((c) => c.role === 'entry' || c.role === 'main-thread');
  const sum = (list: ChunkReport[], key: 'bytes' | 'gzip_bytes') => list.reduce((n, c) => n + c[key], 0);
  return {
    graph_from: fromManifest ? 'manifest' : 'index.html',
    chunks,
    main_thread: {
      entry: graph.entry,
      files: main.map((c) => c.file),
      bytes: sum(main, 'bytes'),
      gzip_bytes: sum(main, 'gzip_bytes'),
      tfjs_free: main.every((c) => c.tfjs.length === 0),
    },
    total: { bytes: sum(chunks, 'bytes'), gzip_bytes: sum(chunks, 'gzip_bytes') },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = bundleReport(path.resolve(process.argv[2] ?? 'dist'));
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  if (!report.main_thread.tfjs_free) {
    const carriers = report.chunks.filter(
      (c) => report.main_thread.files.includes(c.file) && c.tfjs.length > 0,
    );
    process.stderr.write(
      `the main thread loads tfjs: ${carriers.map((c) => `${c.file} (${c.tfjs.join(', ')})`).join('; ')}\n`,
    );
    process.exitCode = 1;
  }
}
