/**
 * `npm run experiment | matrix | check | datasets | embed-docs | download`: runs the command's
 * TypeScript entry point (src/cli/<command>.ts) from an esbuild bundle in .cache/cli/ instead of through
 * tsx. tsx resolves and transforms every module as it loads, which costs about 0.7 s before a command does
 * anything (`--help` took 1.1 s, 0.45 s bundled), and as much again in each worker thread a command starts.
 *
 * The bundle is rebuilt only when a file it was built from changed (a hash of their contents, read at each
 * start: a few milliseconds), so an edit takes effect on the next run. Packages stay outside the bundle
 * (loaded from node_modules as before). With DEBUG=1, stack traces name the .ts lines (source maps).
 *
 * .cache/cli/ is two folders below the repository root, as src/cli/ is: code that finds files relative to
 * its own module (`new URL('../..', import.meta.url)`) finds the same files from the bundle.
 *
 *   node scripts/cli.mjs <command> [args...]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT_DIR = path.join(ROOT, '.cache/cli');
/** What the last build read and wrote (written last, so a build cut off is redone). */
const STAMP = path.join(OUT_DIR, 'build.json');

/**
 * The commands, by their entry point's name in src/cli/. Not `bench`: it registers tfjs-core's gradients,
 * which only a bundler or tsx can load (src/cli/tfjsGradients.ts), and its start-up is not what it measures.
 */
export const COMMANDS = ['experiment', 'matrix', 'check', 'datasets', 'embedDocs'];
/**
 * Modules that a command starts as worker threads (`startWorker(new URL('./<name>.ts', import.meta.url))`):
 * each is an entry point of its own, which `startWorker` starts from the bundle (a test keeps this list
 * complete).
 */
export const WORKER_ENTRIES = ['runFileWorker', 'svdHelperWorker'];
/** Changes when the build's options do, so that older bundles are rebuilt. */
const BUILD_VERSION = 1;

/** The bundle's entry file of a command (built first if any of its sources changed). */
export async function bundledEntry(command) {
  if (!COMMANDS.includes(command))
    throw new Error(`unknown command "${command}" (one of: ${COMMANDS.join(', ')})`);
  if (!upToDate()) await build();
  return path.join(OUT_DIR, `${command}.mjs`);
}

/** Whether the stamp's inputs still hash to what they did and every output is there. */
function upToDate() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  if (stamp.version !== BUILD_VERSION || !Array.isArray(stamp.inputs) || !Array.isArray(stamp.outputs))
    return false;
  if (!stamp.outputs.every((file) => existsSync(path.join(OUT_DIR, file)))) return false;
  const hash = inputsHash(stamp.inputs);
  return hash !== null && hash === stamp.hash;
}

/** A hash of the inputs' paths and contents; null when one is gone. */
function inputsHash(inputs) {
  const hash = createHash('sha256').update(`${BUILD_VERSION}\n${COMMANDS}\n${WORKER_ENTRIES}\n`);
  for (const input of inputs) {
    let content;
    try {
      content = readFileSync(path.join(ROOT, input));
    } catch {
      return null;
    }
    hash.update(`${input}\n${content.length}\n`).update(content);
  }
  return hash.digest('hex');
}

/**
 * Bundles every command and worker at once (shared code in shared chunks). Each output is written to a
 * temporary file and renamed into place, and chunks are named by their content: two commands started at
 * once (`npm run matrix -- --parallel 2`, the test suite) may both build, and each sees whole files.
 */
async function build() {
  const { build: esbuild } = await import('esbuild');
  const entries = [...COMMANDS, ...WORKER_ENTRIES];
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: entries.map((name) => `src/cli/${name}.ts`),
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const outputs = result.outputFiles.map((file) => path.relative(OUT_DIR, file.path));
  const inputs = Object.keys(result.metafile.inputs).sort();
  try {
    mkdirSync(OUT_DIR, { recursive: true });
    for (const file of result.outputFiles) writeWhole(file.path, file.contents);
    writeWhole(
      STAMP,
      JSON.stringify({ version: BUILD_VERSION, hash: inputsHash(inputs), inputs, outputs }, null, 1),
    );
  } catch (error) {
    throw new Error(
      `cannot write the commands' bundle to ${OUT_DIR} (${error.code ?? error.message}); ` +
        'run from a checkout you can write to, or run the command under tsx: ' +
        'npx tsx src/cli/<command>.ts',
      { cause: error },
    );
  }
}

function writeWhole(target, contents) {
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, target);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [command, ...args] = process.argv.slice(2);
  let entry;
  try {
    entry = await bundledEntry(command ?? '');
  } catch (error) {
    process.stderr.write(`\nError: ${error.message}\n`);
    process.exit(1);
  }
  // Stack traces name the .ts lines when they are shown (DEBUG=1, see src/cli/runCli.ts); reading the maps
  // at every start would cost a tenth of a second or more.
  if (process.env.DEBUG) process.setSourceMapsEnabled(true);
  // The command sees its own arguments, as under `node src/cli/<command>.ts`.
  process.argv = [process.argv[0], entry, ...args];
  await import(pathToFileURL(entry).href);
}
