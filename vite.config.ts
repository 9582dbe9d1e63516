import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // The manifest (dist/.vite/manifest.json) gives scripts/bundleReport.ts the main thread's chunk graph.
  build: { outDir: 'dist', sourcemap: true, manifest: true },
  server: {
    port: 5173,
    // `npm run dev` starts the server (teacher proxy, data folder) and sets API_PROXY_TARGET to it.
    proxy: Object.fromEntries(
      ['/api', '/data'].map((prefix) => [prefix, process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8787']),
    ),
  },
});
