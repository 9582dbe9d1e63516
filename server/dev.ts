import { createServer } from 'vite';
import { buildServer } from './app';
import { describeUpstreams, parseServerConfig, SERVER_USAGE } from './config';

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
  const app = await buildServer({ ...config, build: false });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    if ((error as { code?: unknown }).code === 'EADDRINUSE')
      throw new Error(`port ${config.port} is in use: pass --port N or set PORT (0: any free port)`, {
        cause: error,
      });
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.env.API_PROXY_TARGET = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const vite = await createServer({ server: { host: '127.0.0.1' } });
  await vite.listen();
  process.stdout.write(`Teacher proxy: ${process.env.API_PROXY_TARGET}\n${describeUpstreams(config)}`);
  vite.printUrls();
  const stop = () => void Promise.all([vite.close(), app.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`\nError: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
