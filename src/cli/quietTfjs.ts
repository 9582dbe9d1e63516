import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs's cpu backend prints a banner recommending @tensorflow/tfjs-node on first use in Node. This project
 * runs the same pure-JS/WASM engine everywhere on purpose (tfjs-node needs a native download), so the CLI
 * turns tfjs's warnings off; PROD mode also skips tfjs's debug-only checks.
 */
export function quietTfjsNodeHint(): void {
  tf.env().set('PROD', true);
}
