import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../app';
import type { RunListing } from '../../src/core/experiment/runListing';
import { errorBody } from '../app';
import { resolveConfined, sendConfinedFile } from './confinedFiles';

/**
 * Finished runs on the server: `GET /api/runs` lists the run folders in RUNS_DIR (default `./output`, the
 * CLI's default output folder) and `GET /runs/<name>/<file>` serves a run's files read-only, so that the app
 * opens a run (`?run=<name>`) and a link reopens it. As `/data`: only what is really inside the folder
 * (links resolved; `..` refused), no hidden files, and no answer names a server path.
 */

const isFile = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
const readJson = async (file: string): Promise<Record<string, unknown> | undefined> =>
  readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => undefined,
  );
const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** The list entry of the run folder `folder` (a real path inside the runs folder), or null if not a run. */
async function runEntry(name: string, folder: string): Promise<RunListing | null> {
  const has = (file: string) => isFile(path.join(folder, file));
  const project =
    (await has('config.json')) &&
    ((await has('original_raw_scores.parquet')) || (await has('original_raw_scores.csv')));
  const reference = !project && (await has('embeddings_raw_scores.parquet'));
  if (!project && !reference) return null;
  const config =
    (await readJson(path.join(folder, project ? 'config.json' : 'experiment_config.json'))) ?? {};
  const summary = await readJson(path.join(folder, 'summary.json'));
  const stamp = text(config.timestamp) ?? (await stat(folder)).mtime.toISOString();
  return {
    name,
    layout: project ? 'project' : 'reference',
    dataset: text(config.dataset) ?? text(summary?.dataset),
    embedding_model: text(config.embedding_model),
    teacher: project
      ? text(config.teacher)
      : config.optimize_with_gold === true
        ? 'gold'
        : text(config.reranker_model),
    queries: typeof summary?.queries === 'number' ? summary.queries : null,
    created: stamp,
  };
}

export const runsRoutes: RouteModule = (app, { config }) => {
  const rootOf = () => realpath(config.runsDir).catch(() => undefined);

  app.get('/api/runs', async () => {
    const root = await rootOf();
    if (!root)
      return {
        runs: [],
        message: 'no runs folder yet: run an experiment (npm run experiment) or set RUNS_DIR',
      };
    const runs: RunListing[] = [];
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const real = await realpath(path.join(root, entry.name)).catch(() => undefined);
      if (!real || !real.startsWith(root + path.sep)) continue;
      if (!(await stat(real)).isDirectory()) continue;
      const run = await runEntry(entry.name, real);
      if (run) runs.push(run);
    }
    runs.sort((a, b) => b.created.localeCompare(a.created) || a.name.localeCompare(b.name));
    return { runs };
  });

  const serveFile = async (request: FastifyRequest, reply: FastifyReply) => {
    const where = await resolveConfined(config.runsDir, request.url.split('?')[0].replace(/^\/runs\/?/, ''));
    if (where.kind === 'malformed')
      return reply.code(400).send(errorBody(400, 'the path is not valid percent-encoding'));
    if (where.kind === 'leaves')
      return reply.code(403).send(errorBody(403, 'refused: the path leaves the runs folder'));
    const missing = () =>
      reply
        .code(404)
        .send(
          errorBody(404, `no such file in the runs folder: ${'relative' in where ? where.relative : ''}`),
        );
    // A run's files only (run folder / file), never the runs folder itself.
    if (where.kind !== 'inside' || where.segments.length < 2) return missing();
    const info = await stat(where.target);
    if (!info.isFile()) return missing();
    return sendConfinedFile(reply, where.target, info);
  };
  app.get('/runs/*', serveFile);
};
