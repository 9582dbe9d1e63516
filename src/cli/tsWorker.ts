import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a module of this project, named by its source (`new URL('./x.ts',
 * import.meta.url)`). Under tsx (Vitest, the server's scripts) the module is TypeScript, which a worker
 * cannot load by itself on Node 20: tsx's loader registers in the worker first. Run from the CLI's bundle
 * (scripts/cli.mjs), the URL names a .ts file beside the bundle that does not exist; the bundle's own entry
 * for that module (`x.mjs`, see WORKER_ENTRIES there) starts instead, as plain JavaScript.
 */
export function startWorker(module: URL, options: WorkerOptions = {}): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  const bundled = new URL(module.href.replace(/\.ts$/, '.mjs'));
  if (!existsSync(fileURLToPath(module)) && existsSync(fileURLToPath(bundled)))
    return new Worker(bundled, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsx)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}
