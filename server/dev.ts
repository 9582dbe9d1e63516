import { createServer } from 'vite';
import { describeUpstreams, parseServerConfig, SERVER_USAGE } from './config';
import { listenOnConfiguredPort, runServerEntryPoint } from './listen';

/**
 * `npm run dev`: the server (teacher proxy and data folder) and Vite's dev server in one process; Vite proxies
 * /api and /data to the server (vite.config.ts reads API_PROXY_TARGET). Takes the server's options.
 */
async function main(): Promise<void> {
  const config = parseServerConfig(process.argv.slice(2), process.env);
  if (config.help) {
    process.stdout.write(SERVER_USAGE);
    return;
  }
  const { app, origin } = await listenOnConfiguredPort({ ...config, build: false });
  process.env.API_PROXY_TARGET = origin;
  const vite = await createServer({ server: { host: '127.0.0.1' } });
  await vite.listen();
  process.stdout.write(`Teacher proxy: ${process.env.API_PROXY_TARGET}\n${describeUpstreams(config)}`);
  vite.printUrls();
  const stop = () => void Promise.all([vite.close(), app.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await runServerEntryPoint(main);
