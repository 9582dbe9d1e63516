import { isFolderReference } from '../../core/embedding/modelRegistry';
import type { EmbeddingDevice } from '../../core/embedding/transformersRuntime';
import type { ProgressListener } from '../../core/progress';
import type { ScoreActivation } from '../../core/teachers/crossEncoderModel';
import { CrossEncoderTeacher } from '../../core/teachers/crossEncoderTeacher';
import {
  createTeacher,
  crossEncoderTeacherModel,
  type TeacherOptions,
} from '../../core/teachers/teacherFactory';
import { chooseEmbeddingDevice, type EmbeddingDevicePreference } from '../compute/embeddingDevice';
import type { CallContext } from './rpc';

/**
 * The cross-encoder teacher in the engine worker: on WebGPU or WASM with the embedders' device choice
 * (`chooseEmbeddingDevice`), downloading Hub models from the configured model host (the Hub, or the app
 * server's `/hf/` mirror) into the browser's model cache.
 */

/** The settings of `teacher` when it is a cross-encoder (else none), and why the device differs from the preference. */
export async function browserCrossEncoderSettings(
  teacher: string,
  device: EmbeddingDevicePreference = 'auto',
  onProgress?: ProgressListener,
): Promise<{ crossEncoder?: TeacherOptions['crossEncoder']; notes: string[] }> {
  const model = crossEncoderTeacherModel(teacher);
  if (model === undefined) return { notes: [] };
  if (isFolderReference(model))
    throw new Error(
      `cross-encoder ${model}: a model folder works in Node only (npm run experiment); in the browser give a ` +
        "Hub id, or copy the folder into the app server's models folder (MODELS_DIR) and load it by its id " +
        'from the /hf/ mirror',
    );
  const choice = await chooseEmbeddingDevice(device);
  return {
    notes: choice.notes.map((n) => n.replace(/\bembedding\b/g, 'cross-encoder')),
    crossEncoder: {
      device: choice.device,
      fallbackDevice: choice.fallbackDevice,
      onLoadProgress: onProgress,
    },
  };
}

export interface CrossEncodeRequest {
  /** A Hub id (or one served by the model host); default cross-encoder/ms-marco-MiniLM-L-6-v2. */
  model?: string;
  pairs: { query: string; document: string }[];
  /** Default `auto`: WebGPU on a hardware adapter, else WASM. */
  device?: EmbeddingDevicePreference;
  batchSize?: number;
}

export interface CrossEncodeResponse {
  /** One per pair, in order: the model's scores as the teacher gives them (raw logits for ms-marco). */
  scores: (number | null)[];
  teacherId: string;
  device: EmbeddingDevice;
  activation: ScoreActivation;
  maxLength: number | null;
  /** Device fallbacks, for the user. */
  notes: string[];
}

/** Scores (query, document) pairs with a cross-encoder (the automation surface, and checking a model). */
export async function crossEncodeTexts(
  request: CrossEncodeRequest,
  context: CallContext,
): Promise<CrossEncodeResponse> {
  const name = request.model?.trim() ? `cross-encoder:${request.model.trim()}` : 'cross-encoder';
  const { crossEncoder, notes } = await browserCrossEncoderSettings(name, request.device, context.onProgress);
  const teacher = createTeacher(name, {
    noise: 0,
    seed: 0,
    crossEncoder: { ...crossEncoder, batchSize: request.batchSize },
  });
  if (!(teacher instanceof CrossEncoderTeacher)) throw new Error(`"${name}" is not a cross-encoder`);
  const scored = await teacher.score(
    {
      task: 'search',
      instruction: '',
      items: request.pairs.map((p, i) => ({
        queryId: String(i),
        queryText: p.query,
        documents: [{ id: String(i), text: p.document, goldLabel: 0 }],
      })),
    },
    { signal: context.signal, onProgress: context.onProgress },
  );
  return {
    scores: scored.map((s) => s.scores[0]),
    teacherId: teacher.id,
    device: teacher.device,
    activation: teacher.activation,
    maxLength: teacher.maxLength ?? null,
    notes: [...notes, ...teacher.notes],
  };
}
