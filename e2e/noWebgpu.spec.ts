import { expect, test } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from './chromiumLaunch';

// This file's browser starts without --enable-unsafe-webgpu: no WebGPU adapter at all.
test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_BASE_ARGS,
  },
});

test('without WebGPU the app falls back to wasm, says so, and a forced webgpu run explains the problem', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('backend-note')).toContainText('no WebGPU adapter');
  await page.goto('/?backend=webgpu');
  await expect(page.getByTestId('run-error')).toContainText('WebGPU is not available');
});
