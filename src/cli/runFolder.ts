import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureFolder } from '../../server/ensureFolder';

/**
 * Where a run's files go, `<output-dir>/<experiment-name>`, and how they get there: written into a hidden
 * sibling folder (`.<name>.partial-XXXXXX`) and renamed into place only when complete, so the final name
 * never holds half a run (a run killed with SIGKILL leaves only that hidden folder). An existing run folder
 * is never overwritten silently: it is refused, or replaced whole with `--overwrite`.
 */
export interface RunFolder {
  /** `<output-dir>/<experiment-name>`, absolute. */
  final: string;
  /** Replace an existing `final` (whole: no file of the old run stays). */
  overwrite: boolean;
}

/**
 * Checks the run folder before any work starts (embeddings, paid LLM calls): the name stays inside the
 * output folder, an existing folder is refused unless `overwrite`, and the output folder can be written.
 * Throws an Error with a one-line message that says what to do.
 */
export function planRunFolder(outputDir: string, experimentName: string, overwrite: boolean): RunFolder {
  const root = path.resolve(outputDir);
  const final = path.resolve(root, experimentName);
  const relative = path.relative(root, final);
  if (
    experimentName.trim() === '' ||
    path.isAbsolute(experimentName) ||
    relative === '' ||
    relative.split(path.sep).includes('..') ||
    path.isAbsolute(relative)
  )
    throw new Error(
      `--experiment-name must name a folder inside --output-dir (no "..", not an absolute path), got ` +
        `"${experimentName}"; use --output-dir to write elsewhere`,
    );
  if (existsSync(final) && !overwrite)
    throw new Error(
      `${final} already exists: pick another --experiment-name, or pass --overwrite to replace that run ` +
        '(its folder is replaced whole)',
    );
  const parent = path.dirname(final);
  try {
    ensureFolder(parent);
    // A real write, as the run will do it (a read-only or full disk, or a folder of another user).
    rmdirSync(mkdtempSync(path.join(parent, `.${path.basename(final)}.check-`)));
  } catch (error) {
    throw new Error(
      `cannot write the run into ${parent}: ${(error as Error).message}; pass --output-dir with a writable folder`,
      { cause: error },
    );
  }
  return { final, overwrite };
}

/** A new, empty hidden sibling of the run folder to write the run into (with the umask's permissions). */
export async function openStaging(folder: RunFolder): Promise<string> {
  const staging = siblingName(folder, 'partial');
  await mkdir(staging);
  return staging;
}

/** A hidden sibling of the run folder: `.<name>.<role>-<random hex>`. */
function siblingName(folder: RunFolder, role: string): string {
  const name = `.${path.basename(folder.final)}.${role}-${randomBytes(4).toString('hex')}`;
  return path.join(path.dirname(folder.final), name);
}

/**
 * Moves the complete run from `staging` to its final name, replacing an existing run when `overwrite`.
 * Returns where the run is: the final name, or, when another run took that name while this one was
 * writing (and `overwrite` is off), the first free `<name>-<n>` beside it.
 */
export async function commitRunFolder(folder: RunFolder, staging: string): Promise<string> {
  if (!existsSync(folder.final)) {
    await rename(staging, folder.final);
    return folder.final;
  }
  if (!folder.overwrite) {
    let n = 2;
    while (existsSync(`${folder.final}-${n}`)) n++;
    await rename(staging, `${folder.final}-${n}`);
    return `${folder.final}-${n}`;
  }
  const old = siblingName(folder, 'old');
  await rename(folder.final, old);
  await rename(staging, folder.final);
  await rm(old, { recursive: true, force: true });
  return folder.final;
}

/** Removes a staging folder of a run that did not finish. */
export function discardStaging(staging: string): Promise<void> {
  return rm(staging, { recursive: true, force: true });
}
