import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a module of this project. Under tsx (every CLI command, and Vitest) the module is
 * TypeScript, which a worker cannot load by itself on Node 20: tsx's loader registers in the worker first.
 */
export function startWorker(module: URL, options: WorkerOptions = {}): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsx)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}
