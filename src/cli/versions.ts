import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

/** Versions recorded in every output, so that a result can be traced to the code that made it. */
export function packageVersions(): Record<string, string> {
  const own = require('../../package.json') as { version: string };
  return { 'refinement-explorer': own.version, tfjs: tf.version.tfjs, node: process.version };
}
