import * as tf from '@tensorflow/tfjs-core';
// A static import (not a runtime require), so that a bundle of a CLI (npm run bench:gpu-bundle) carries it.
import own from '../../package.json' with { type: 'json' };

/** Versions recorded in every output, so that a result can be traced to the code that made it. */
export function packageVersions(): Record<string, string> {
  return { 'refinement-explorer': own.version, tfjs: tf.version_core, node: process.version };
}
