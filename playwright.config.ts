import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromiumLaunch';

/**
 * Browser tests run Debian's Chromium (apt-get install chromium): Playwright cannot download its own
 * browsers here. --enable-unsafe-webgpu gives a real WebGPU adapter (SwiftShader, a software fallback);
 * without it tfjs silently stays off WebGPU.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 120_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    baseURL: 'http://127.0.0.1:4173',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    viewport: { width: 1280, height: 900 },
  },
  // The real server (built app, /api, and the shared datasets read-only under /data), as users run it.
  webServer: {
    command: 'npx tsx server/main.ts',
    env: {
      PORT: '4173',
      HOST: '127.0.0.1',
      DATA_DIR: '../shared/data',
      CACHE_DIR: 'test-results/e2e-cache',
      MODELS_DIR: '.cache/fixture-models',
      // Finished runs the app opens with ?run=<name> (e2e/openRun.spec.ts writes one there).
      RUNS_DIR: 'test-results/e2e-runs',
    },
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
