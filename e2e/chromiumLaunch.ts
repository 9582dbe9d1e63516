/**
 * How this project starts Debian's Chromium (Playwright cannot download its own browser here), shared by the
 * Playwright config, the browser benchmark and the regression check. --enable-unsafe-webgpu gives a real
 * WebGPU adapter (SwiftShader without a GPU); without it tfjs silently stays off WebGPU.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, sandbox-free (CI runs as root), and quiet on a machine with no internet. */
export const CHROMIUM_BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const CHROMIUM_ARGS = [...CHROMIUM_BASE_ARGS, '--enable-unsafe-webgpu'];
