import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeUpstreams, parseServerConfig, SERVER_USAGE } from './config';
import { ensureFolder } from './ensureFolder';
import { listenOnConfiguredPort, runServerEntryPoint } from './listen';

/**
 * `npm start`: builds the app when dist/ has none, then serves it with the teacher proxy and the data folder,
 * and prints the URL. Options: `npm start -- --help`.
 */
async function main(): Promise<void> {
  const config = parseServerConfig(process.argv.slice(2), process.env);
  if (config.help) {
    process.stdout.write(SERVER_USAGE);
    return;
  }
  if (config.build && !existsSync(path.join(config.distDir, 'index.html'))) {
    // Made here, so that a folder that cannot be made fails at once in one line (vite's own mkdir spins at
    // 100 % CPU on some paths, such as under /proc).
    try {
      ensureFolder(config.distDir);
    } catch (error) {
      throw new Error(`${(error as Error).message}: set DIST_DIR to a writable folder, or pass --no-build`, {
        cause: error,
      });
    }
    process.stderr.write(`No built app in ${config.distDir}: building it (vite build) ...\n`);
    const built = spawnSync('npx', ['vite', 'build', '--outDir', config.distDir], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('vite build failed (see above); fix it or pass --no-build');
  }
  const { app, origin } = await listenOnConfiguredPort(config);
  process.stdout.write(`Refinement Explorer: ${origin}/\n${describeUpstreams(config)}`);

  const stop = () => {
    process.stderr.write('Stopping ...\n');
    // Closing cancels the upstream calls, so it takes a moment; a client that keeps its connection open
    // must not hold the shutdown. Finished cache rows are already committed (SQLite WAL).
    setTimeout(() => {
      process.stderr.write('Not stopped within 5 s: exiting anyway\n');
      process.exit(1);
    }, 5000).unref();
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await runServerEntryPoint(main);
