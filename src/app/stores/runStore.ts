import { create } from 'zustand';
import type { BackendInfo, BackendPreference } from '../../core/compute/backend';
import { DEFAULT_METHOD, type MethodConfig } from '../../core/experiment/config';
import type { ProgressEvent } from '../../core/progress';
import type { ExperimentResponse } from '../workers/engineApi';
import { CancelledError } from '../workers/rpc';
import { startEngine, type EngineClient } from '../workers/engineClient';

export interface RunSettings {
  dataset: string;
  embeddingModel: string;
  teacher: 'gold' | 'noisy-gold';
  teacherNoise: number;
  backend: BackendPreference;
  method: MethodConfig;
}

interface RunState {
  settings: RunSettings;
  backend?: BackendInfo;
  status: 'idle' | 'starting' | 'running' | 'done' | 'cancelled' | 'error';
  progress?: ProgressEvent;
  error?: string;
  result?: ExperimentResponse;
  setSettings(patch: Partial<RunSettings>): void;
  setMethod(patch: Partial<MethodConfig>): void;
  run(): Promise<void>;
  cancel(): void;
}

let engine: EngineClient | undefined;
let controller: AbortController | undefined;
let initialisedBackend: BackendPreference | undefined;

/** The engine worker, started on first use and shared by the app and the automation surface. */
export function engineClient(): EngineClient {
  engine ??= startEngine();
  return engine;
}

export const useRunStore = create<RunState>((set, get) => ({
  settings: {
    dataset: 'demo',
    // 64 LSA dimensions suit the demo's 350 short texts best (see src/core/datasets/demo/demoData.ts).
    embeddingModel: 'lsa-64',
    teacher: 'gold',
    teacherNoise: 0.2,
    backend: 'auto',
    method: { ...DEFAULT_METHOD, recordEvery: 0 },
  },
  status: 'idle',
  setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  setMethod: (patch) =>
    set((s) => ({ settings: { ...s.settings, method: { ...s.settings.method, ...patch } } })),

  async run() {
    const { settings } = get();
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    set({ status: 'starting', error: undefined, progress: undefined });
    try {
      const client = engineClient();
      if (initialisedBackend !== settings.backend || !get().backend) {
        const backend = await client.call('init', settings.backend);
        initialisedBackend = settings.backend;
        set({ backend });
      }
      set({ status: 'running' });
      const result = await client.call(
        'runExperiment',
        {
          dataset: settings.dataset,
          embeddingModel: settings.embeddingModel,
          teacher: settings.teacher,
          teacherNoise: settings.teacherNoise,
          method: settings.method,
        },
        { signal, onProgress: (progress) => set({ progress }) },
      );
      set({ status: 'done', result });
    } catch (error) {
      if (error instanceof CancelledError) set({ status: 'cancelled' });
      else set({ status: 'error', error: error instanceof Error ? error.message : String(error) });
    }
  },

  cancel() {
    controller?.abort();
  },
}));
