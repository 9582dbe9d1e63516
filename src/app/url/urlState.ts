import type { BackendPreference } from '../../core/compute/backend';
import { DEFAULT_METHOD, REFIT_DEFAULT_LR, type MethodConfig } from '../../core/experiment/config';
import { METRIC_NAMES, type MetricName } from '../../core/metrics/rankingMetrics';
import { JUDGE_MODES, type JudgeMode } from '../../core/teachers/llmApi';
import { POOLINGS, type EmbeddingDtype, type Pooling } from '../../core/embedding/modelRegistry';
import type { EmbeddingDevicePreference } from '../compute/embeddingDevice';

/** Everything that defines a view; serialised into the URL so that a link reopens exactly this state. */
export interface ViewState {
  dataset: string;
  embeddingModel: string;
  /** `gold`, `noisy-gold`, `cross-encoder[:<Hub id>]` or `llm:<model>` (through the server's teacher proxy). */
  teacher: string;
  teacherNoise: number;
  teacherMode: JudgeMode;
  /** Neural embedders: where they run, their weights' precision, pooling for models outside the registry. */
  embeddingDevice: EmbeddingDevicePreference;
  embeddingDtype: EmbeddingDtype;
  embeddingPooling: Pooling | '';
  /** Where Hub ids download from: the Hugging Face Hub, or this server's model mirror (`/hf/`). */
  modelHost: 'hub' | 'server';
  /** The LLM that writes HyDE documents (adds the hyde and optimized_hyde types); empty for none. */
  hydeModel: string;
  backend: BackendPreference;
  method: MethodConfig;
  /** The selected query's id. */
  query?: string;
  /** A finished run in the server's runs folder (`/api/runs`), opened instead of running the settings. */
  run?: string;
  tab: 'explorer' | 'experiment';
  /** A mirror standing in for the datasets' public hosts; when set, datasets download through it. */
  mirror: string;
  /** The metric shown in the query list. */
  metric: MetricName;
  topK: number;
  /** Colour theme; `auto` follows the system's prefers-color-scheme. */
  theme: ThemePreference;
  /** Explain mode: a one-line caption on each panel saying what it shows (for teaching). */
  explain: boolean;
  /** Zoom the map to the query's path and its sampled documents. */
  follow: boolean;
}

export type ThemePreference = 'auto' | 'light' | 'dark';

export const DEFAULT_VIEW: ViewState = {
  dataset: 'demo',
  // 64 LSA dimensions suit the demo's 350 short texts best (see src/core/datasets/demo/demoData.ts).
  embeddingModel: 'lsa-64',
  teacher: 'gold',
  teacherNoise: 0.2,
  teacherMode: 'yesno',
  embeddingDevice: 'auto',
  embeddingDtype: 'fp32',
  embeddingPooling: '',
  modelHost: 'hub',
  hydeModel: '',
  backend: 'auto',
  method: { ...DEFAULT_METHOD },
  tab: 'explorer',
  mirror: '',
  metric: 'map',
  topK: 20,
  theme: 'auto',
  explain: true,
  follow: false,
};

const BACKENDS: BackendPreference[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/** Parses a query string; unknown or malformed values fall back to the defaults. */
export function parseViewState(search: string): ViewState {
  const p = new URLSearchParams(search);
  const num = (key: string, fallback: number, valid: (x: number) => boolean = Number.isFinite) => {
    const raw = p.get(key);
    const x = raw === null || raw === '' ? NaN : Number(raw);
    return valid(x) ? x : fallback;
  };
  const int = (x: number) => Number.isInteger(x) && x >= 0;
  const refit = p.get('refit') === '1';
  const rawTeacher = p.get('teacher') ?? '';
  const teacher =
    rawTeacher === 'noisy-gold' || /^(llm:.+|cross-encoder(:.+)?)$/.test(rawTeacher) ? rawTeacher : 'gold';
  const backend = BACKENDS.find((b) => b === p.get('backend')) ?? 'auto';
  const metric = METRIC_NAMES.find((m) => m === p.get('metric')) ?? 'map';
  return {
    dataset: p.get('dataset') || DEFAULT_VIEW.dataset,
    embeddingModel: p.get('embedding') || DEFAULT_VIEW.embeddingModel,
    teacher,
    teacherNoise: num('noise', DEFAULT_VIEW.teacherNoise, (x) => x >= 0 && x <= 1),
    teacherMode: JUDGE_MODES.find((m) => m === p.get('mode')) ?? 'yesno',
    embeddingDevice: (['auto', 'webgpu', 'wasm'] as const).find((d) => d === p.get('device')) ?? 'auto',
    embeddingDtype: (['fp32', 'fp16', 'q8'] as const).find((d) => d === p.get('dtype')) ?? 'fp32',
    embeddingPooling: POOLINGS.find((x) => x === p.get('pooling')) ?? '',
    modelHost: p.get('models') === 'server' ? 'server' : 'hub',
    hydeModel: p.get('hyde') ?? '',
    backend,
    method: {
      ...DEFAULT_METHOD,
      refit,
      lr: num('lr', refit ? REFIT_DEFAULT_LR : DEFAULT_METHOD.lr, (x) => x > 0),
      numSteps: num('steps', DEFAULT_METHOD.numSteps, int),
      totalScores: num('total', DEFAULT_METHOD.totalScores, (x) => int(x) && x > 0),
      scoresFromTop: num('top', DEFAULT_METHOD.scoresFromTop, int),
      randomSeed: num('seed', DEFAULT_METHOD.randomSeed, Number.isInteger),
    },
    query: p.get('query') ?? undefined,
    run: p.get('run') || undefined,
    tab: p.get('tab') === 'experiment' ? 'experiment' : 'explorer',
    mirror: p.get('mirror') ?? '',
    metric,
    topK: num('topk', DEFAULT_VIEW.topK, (x) => int(x) && x > 0),
    theme: (['light', 'dark'] as const).find((t) => t === p.get('theme')) ?? 'auto',
    explain: p.get('explain') !== '0',
    follow: p.get('follow') === '1',
  };
}

/** The query string for a state; defaults are left out to keep links short. */
export function serializeViewState(s: ViewState): string {
  const d = DEFAULT_VIEW;
  const p = new URLSearchParams();
  const put = (key: string, value: string | number, fallback: string | number) => {
    if (value !== fallback) p.set(key, String(value));
  };
  put('dataset', s.dataset, d.dataset);
  put('embedding', s.embeddingModel, d.embeddingModel);
  put('teacher', s.teacher, d.teacher);
  if (s.teacher === 'noisy-gold') p.set('noise', String(s.teacherNoise));
  if (s.teacher.startsWith('llm:')) put('mode', s.teacherMode, d.teacherMode);
  put('hyde', s.hydeModel, d.hydeModel);
  put('device', s.embeddingDevice, d.embeddingDevice);
  put('dtype', s.embeddingDtype, d.embeddingDtype);
  put('pooling', s.embeddingPooling, d.embeddingPooling);
  put('models', s.modelHost, d.modelHost);
  put('backend', s.backend, d.backend);
  if (s.method.refit) p.set('refit', '1');
  put('lr', s.method.lr, s.method.refit ? REFIT_DEFAULT_LR : DEFAULT_METHOD.lr);
  put('steps', s.method.numSteps, DEFAULT_METHOD.numSteps);
  put('total', s.method.totalScores, DEFAULT_METHOD.totalScores);
  put('top', s.method.scoresFromTop, DEFAULT_METHOD.scoresFromTop);
  put('seed', s.method.randomSeed, DEFAULT_METHOD.randomSeed);
  if (s.run) p.set('run', s.run);
  if (s.query) p.set('query', s.query);
  put('tab', s.tab, d.tab);
  put('mirror', s.mirror, d.mirror);
  put('metric', s.metric, d.metric);
  put('topk', s.topK, d.topK);
  put('theme', s.theme, d.theme);
  if (!s.explain) p.set('explain', '0');
  if (s.follow) p.set('follow', '1');
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** Whether two states need different experiment runs (anything but the selection and presentation). */
export function sameRun(a: ViewState, b: ViewState): boolean {
  const key = (s: ViewState) =>
    JSON.stringify([
      s.dataset,
      s.embeddingModel,
      s.teacher,
      s.teacher === 'noisy-gold' ? s.teacherNoise : 0,
      s.backend,
      s.method,
      s.run ?? null,
    ]);
  return key(a) === key(b);
}
