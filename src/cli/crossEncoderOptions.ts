import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isFolderReference, ONNX_FILE_OF_DTYPE } from '../core/embedding/modelRegistry';
import type { ProgressListener } from '../core/progress';
import { CrossEncoderTeacher } from '../core/teachers/crossEncoderTeacher';
import { crossEncoderTeacherModel, type TeacherOptions } from '../core/teachers/teacherFactory';
import { useModelCacheFolder } from './modelCacheFolder';

/**
 * The cross-encoder teacher in Node: `--teacher cross-encoder[:MODEL]` with MODEL a Hub id (downloaded into
 * `<embedding-cache-dir>/models`, as the embedding models) or a local folder in the Hub's layout (checked
 * now, so that a wrong folder fails before any work). It runs on onnxruntime-node, on the CPU.
 */

/**
 * The teacher name as the engine takes it (a folder becomes `cross-encoder:<absolute path>`, other names stay)
 * and the cross-encoder's settings; for other teachers, the name and no settings.
 */
export function nodeTeacherSettings(
  teacher: string,
  extra: {
    cacheDir: string;
    onLoadProgress?: ProgressListener;
    onNote?: (note: string) => void;
    cwd?: string;
  },
): { name: string; crossEncoder?: TeacherOptions['crossEncoder'] } {
  const model = crossEncoderTeacherModel(teacher);
  if (!model) return { name: teacher };
  const folder = crossEncoderFolder(model, extra.cwd ?? process.cwd());
  if (!folder) useModelCacheFolder(extra.cacheDir);
  return {
    name: folder ? `cross-encoder:${folder}` : teacher,
    crossEncoder: { device: 'cpu', onLoadProgress: extra.onLoadProgress, onNote: extra.onNote },
  };
}

/**
 * The absolute folder `model` names (checked: config.json, tokenizer.json and the fp32 ONNX weights), or
 * undefined for a Hub id. Throws a readable error for a folder that is not there or not a model.
 */
export function crossEncoderFolder(model: string, cwd: string): string | undefined {
  const full = path.resolve(cwd, model.replace(/^~(?=[\\/])/, process.env.HOME ?? '~'));
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    if (isFolderReference(model))
      throw new Error(`--teacher cross-encoder:${model}: no such folder (${full})`);
    return undefined;
  }
  if (!isDir) throw new Error(`--teacher cross-encoder:${model}: ${full} is a file; give the model's folder`);
  const missing = ['config.json', 'tokenizer.json'].filter((f) => !isFile(path.join(full, f)));
  if (missing.length)
    throw new Error(
      `${full} is not a model folder: ${missing.join(' and ')} missing. A cross-encoder folder has the Hub's ` +
        `layout: config.json, tokenizer.json, tokenizer_config.json and ${ONNX_FILE_OF_DTYPE.fp32}`,
    );
  const onnx = ONNX_FILE_OF_DTYPE.fp32;
  if (!isFile(path.join(full, onnx))) {
    const others = listOnnx(full);
    throw new Error(
      `${full} has no ONNX weights (${onnx} is missing)` +
        (others.length
          ? `; its ONNX files (${others.join(', ')}) are not named as the Hub names them (${onnx})`
          : '; export the model to ONNX first (e.g. with Optimum) or use its ONNX version from the Hub'),
    );
  }
  return full;
}

function isFile(file: string): boolean {
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

/** What an experiment's config.json records about a cross-encoder teacher, besides its id. */
export function teacherConfig(teacher: unknown): Record<string, unknown> {
  if (!(teacher instanceof CrossEncoderTeacher)) return {};
  return {
    teacher_device: teacher.device,
    teacher_max_length: teacher.maxLength ?? null,
    teacher_score_activation: teacher.activation,
    teacher_notes: teacher.notes,
  };
}
