import { createRequire } from 'node:module';

/**
 * Registers tfjs-core's gradients (what `tf.grad` needs, for the autodiff optimizer). tfjs-core ships them
 * only as ES modules with extensionless imports: a bundle (esbuild, `npm run bench:gpu-bundle`) takes the
 * import in, while Node's own loader refuses it and tsx (which runs every CLI) loads them through `require`.
 * Import this module for its effect.
 */
const GRADIENTS = '@tensorflow/tfjs-core/dist/register_all_gradients';
try {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
} catch {
  createRequire(import.meta.url)(GRADIENTS);
}
