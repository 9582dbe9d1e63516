import type { BackendPreference } from '../../core/compute/backend';
import { METRIC_NAMES, type MetricName } from '../../core/metrics/rankingMetrics';
import { llmTeacherModel } from '../../core/teachers/teacherNames';
import { POOLINGS, type EmbeddingDtype, type Pooling } from '../../core/embedding/modelRegistry';
import type { EmbeddingDevicePreference } from '../compute/embeddingDevice';
import { DEFAULT_VIEW_RUN, readViewRun, runSpecOfView, writeViewRun, type ViewRunSpec } from './viewRunSpec';

/**
 * Everything that defines a view; serialised into the URL so that a link reopens exactly this state. The
 * run it asks for (`ViewRunSpec`: dataset, embedder, teacher, method) is a `RunSpec`; the rest is how the
 * browser runs it (backend, model device and host, mirror) and what is shown.
 */
export interface ViewState extends ViewRunSpec {
  /** Neural embedders: where they run, their weights' precision, pooling for models outside the registry. */
  embeddingDevice: EmbeddingDevicePreference;
  embeddingDtype: EmbeddingDtype;
  embeddingPooling: Pooling | '';
  /** Where Hub ids download from: the Hugging Face Hub, or this server's model mirror (`/hf/`). */
  modelHost: 'hub' | 'server';
  backend: BackendPreference;
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
  ...DEFAULT_VIEW_RUN,
  embeddingDevice: 'auto',
  embeddingDtype: 'fp32',
  embeddingPooling: '',
  modelHost: 'hub',
  backend: 'auto',
  tab: 'explorer',
  mirror: '',
  metric: 'map',
  topK: 20,
  theme: 'auto',
  explain: true,
  follow: false,
};

const BACKENDS: BackendPreference[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/**
 * Parses a query string; unknown or malformed values fall back to the defaults. The run's values are checked
 * as every run is (`readViewRun`), and `report` hears why one gave way.
 */
export function parseViewState(search: string, report: (problem: string) => void = () => {}): ViewState {
  const p = new URLSearchParams(search);
  const backend = BACKENDS.find((b) => b === p.get('backend')) ?? 'auto';
  const metric = METRIC_NAMES.find((m) => m === p.get('metric')) ?? 'map';
  const topK = Number(p.get('topk') || NaN);
  return {
    ...readViewRun(p, report),
    embeddingDevice: (['auto', 'webgpu', 'wasm'] as const).find((d) => d === p.get('device')) ?? 'auto',
    embeddingDtype: (['fp32', 'fp16', 'q8'] as const).find((d) => d === p.get('dtype')) ?? 'fp32',
    embeddingPooling: POOLINGS.find((x) => x === p.get('pooling')) ?? '',
    modelHost: p.get('models') === 'server' ? 'server' : 'hub',
    backend,
    query: p.get('query') ?? undefined,
    run: p.get('run') || undefined,
    tab: p.get('tab') === 'experiment' ? 'experiment' : 'explorer',
    mirror: p.get('mirror') ?? '',
    metric,
    topK: Number.isInteger(topK) && topK > 0 ? topK : DEFAULT_VIEW.topK,
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
  writeViewRun(s, p);
  put('device', s.embeddingDevice, d.embeddingDevice);
  put('dtype', s.embeddingDtype, d.embeddingDtype);
  put('pooling', s.embeddingPooling, d.embeddingPooling);
  put('models', s.modelHost, d.modelHost);
  put('backend', s.backend, d.backend);
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

/**
 * Whether two states need different experiment runs: another spec (as its record would hold it: the noise
 * of noisy-gold only, the scoring mode of an LLM teacher only), backend or opened run.
 */
export function sameRun(a: ViewState, b: ViewState): boolean {
  const key = (s: ViewState) => {
    const spec = runSpecOfView(s);
    return JSON.stringify([
      {
        ...spec,
        teacherNoise: spec.teacher === 'noisy-gold' ? spec.teacherNoise : null,
        teacherMode: llmTeacherModel(spec.teacher) !== undefined ? spec.teacherMode : null,
      },
      s.backend,
      s.run ?? null,
    ]);
  };
  return key(a) === key(b);
}
