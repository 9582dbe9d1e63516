import type { BackendPreference } from '../../core/compute/backend';
import { METRIC_NAMES, type MetricName } from '../../core/metrics/rankingMetrics';
import { recordedEmbedding, runsOnTransformers } from '../../core/experiment/runSpec';
import { llmTeacherModel } from '../../core/teachers/teacherNames';
import type { EmbeddingDevicePreference } from '../compute/embeddingDevice';
import { DEFAULT_VIEW_RUN, readViewRun, runSpecOfView, writeViewRun, type ViewRunSpec } from './viewRunSpec';

/**
 * Everything that defines a view; serialised into the URL so that a link reopens exactly this state. The
 * run it asks for (`ViewRunSpec`: dataset, embedder with its dtype and pooling, teacher, method) is a
 * `RunSpec`; the rest is how the browser runs it (backend, model device and host, mirror) and what is shown.
 */
export interface ViewState extends ViewRunSpec {
  /** Where transformers.js models (neural embedders, cross-encoder teachers) run. */
  embeddingDevice: EmbeddingDevicePreference;
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

/** The compute backends a view can ask for (`auto`: WebGPU on a hardware adapter, else WebAssembly). */
export const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm', 'cpu'];
const DEVICES: readonly EmbeddingDevicePreference[] = ['auto', 'webgpu', 'wasm'];

/**
 * Parses a query string; a value that cannot be gives way to its default, and `report` hears why, in the
 * words the run's values use: those are checked as every run is (`readViewRun`), the rest here.
 */
export function parseViewState(search: string, report: (problem: string) => void = () => {}): ViewState {
  const p = new URLSearchParams(search);
  const refuse = (key: string, value: string, rule: string) =>
    report(`${key}=${value} gave way to the default: ${key} ${rule} (got "${value}")`);
  /** The link's value of `key` if it is one of `values`; else (reported) or when absent, `fallback`. */
  const oneOf = <T extends string>(
    key: string,
    values: readonly T[],
    fallback: T,
    rule = `must be one of ${values.join(', ')}`,
  ): T => {
    const value = p.get(key);
    if (!value) return fallback;
    const known = values.find((v) => v === value);
    if (known === undefined) refuse(key, value, rule);
    return known ?? fallback;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = oneOf(key, ['0', '1'], '');
    return value === '' ? fallback : value === '1';
  };
  const positiveInteger = (key: string, fallback: number): number => {
    const value = p.get(key);
    if (!value) return fallback;
    const n = Number(value);
    if (Number.isInteger(n) && n > 0) return n;
    refuse(key, value, 'must be a positive integer');
    return fallback;
  };
  // The run's problems first, then the rest in the order of the fields.
  return {
    ...readViewRun(p, report),
    embeddingDevice: oneOf('device', DEVICES, DEFAULT_VIEW.embeddingDevice),
    modelHost: oneOf('models', ['hub', 'server'], DEFAULT_VIEW.modelHost),
    backend: oneOf('backend', BACKENDS, DEFAULT_VIEW.backend),
    query: p.get('query') ?? undefined,
    run: p.get('run') || undefined,
    tab: oneOf('tab', ['explorer', 'experiment'], DEFAULT_VIEW.tab),
    mirror: p.get('mirror') ?? '',
    metric: oneOf(
      'metric',
      METRIC_NAMES,
      DEFAULT_VIEW.metric,
      'must name a metric (map, mrr, ndcg_at_10, …)',
    ),
    topK: positiveInteger('topk', DEFAULT_VIEW.topK),
    theme: oneOf('theme', ['auto', 'light', 'dark'], DEFAULT_VIEW.theme),
    explain: flag('explain', DEFAULT_VIEW.explain),
    follow: flag('follow', DEFAULT_VIEW.follow),
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
 * of noisy-gold only, the scoring mode of an LLM teacher only, the dtype and pooling of a transformers.js
 * embedder only), backend, opened run, or, where a transformers.js model runs (the embedder, a cross-encoder
 * teacher), its device and where its weights come from.
 */
export function sameRun(a: ViewState, b: ViewState): boolean {
  const key = (s: ViewState) => {
    const spec = runSpecOfView(s);
    const transformers = runsOnTransformers(spec.embeddingModel) || spec.teacher.startsWith('cross-encoder');
    return JSON.stringify([
      {
        ...spec,
        embedding: recordedEmbedding(spec),
        teacherNoise: spec.teacher === 'noisy-gold' ? spec.teacherNoise : null,
        teacherMode: llmTeacherModel(spec.teacher) !== undefined ? spec.teacherMode : null,
      },
      s.backend,
      s.run ?? null,
      transformers ? [s.embeddingDevice, s.modelHost] : null,
    ]);
  };
  return key(a) === key(b);
}
