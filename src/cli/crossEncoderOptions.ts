import path from 'node:path';
import { ONNX_FILE_OF_DTYPE } from '../core/embedding/modelRegistry';
import type { ProgressListener } from '../core/progress';
import { crossEncoderTeacherModel, type TeacherOptions } from '../core/teachers/teacherFactory';
import { isFile, localModelFolder, requireModelFiles, unnamedOnnxHint } from './localModelFolder';
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
  const full = localModelFolder(model, `--teacher cross-encoder:${model}`, cwd);
  if (!full) return undefined;
  const onnx = ONNX_FILE_OF_DTYPE.fp32;
  requireModelFiles(
    full,
    "A cross-encoder folder has the Hub's layout: config.json, tokenizer.json, tokenizer_config.json and " +
      onnx,
  );
  if (!isFile(path.join(full, onnx)))
    throw new Error(`${full} has no ONNX weights (${onnx} is missing)` + unnamedOnnxHint(full, onnx));
  return full;
}
