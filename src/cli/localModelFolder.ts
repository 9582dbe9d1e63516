import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isFolderReference } from '../core/embedding/modelRegistry';

/**
 * Model references on the command line that may name a local folder in the Hub's layout (config.json,
 * tokenizer.json, tokenizer_config.json, onnx/…): the checks that make a wrong folder fail before any work,
 * shared by the embedding models (`--embedding-model`) and the cross-encoder teacher (`--teacher`).
 */

/**
 * The absolute folder `reference` names (`~/` expanded, relative to `cwd`), or undefined when nothing is
 * there and the reference does not look like a path (a Hub id). `option` is how errors name it.
 */
export function localModelFolder(reference: string, option: string, cwd: string): string | undefined {
  const full = path.resolve(cwd, reference.replace(/^~(?=[\\/])/, process.env.HOME ?? '~'));
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    if (isFolderReference(reference)) throw new Error(`${option}: no such folder (${full})`);
    return undefined;
  }
  if (!isDir) throw new Error(`${option}: ${full} is a file; give the model's folder`);
  return full;
}

/** Throws, with `layout` describing a model folder, when `full` lacks config.json or tokenizer.json. */
export function requireModelFiles(full: string, layout: string): void {
  const missing = ['config.json', 'tokenizer.json'].filter((f) => !isFile(path.join(full, f)));
  if (missing.length)
    throw new Error(`${full} is not a model folder: ${missing.join(' and ')} missing. ${layout}`);
}

/**
 * The end of a "no ONNX weights" error: the folder's ONNX files, if any, are not named as the Hub names
 * them (`hubNames`); else the model needs exporting.
 */
export function unnamedOnnxHint(full: string, hubNames: string): string {
  const others = listOnnx(full);
  return others.length
    ? `; its ONNX files (${others.join(', ')}) are not named as the Hub names them (${hubNames})`
    : '; export the model to ONNX first (e.g. with Optimum) or use its ONNX version from the Hub';
}

export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function listOnnx(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.onnx'));
  } catch {
    return [];
  }
}
