import { csvLine } from '../core/experiment/csv';
import type { ExperimentSummary } from '../core/experiment/outputs';

/** The headline metrics of the final table: original → optimized, the paired delta and its p-value. */
export const HEADLINE_METRICS = [
  { key: 'map', label: 'MAP' },
  { key: 'ndcg_at_10', label: 'nDCG@10' },
  { key: 'roc_auc', label: 'AUC' },
] as const;

export type RunStatus = 'ok' | 'failed' | 'skipped' | 'planned';

export interface MatrixRow {
  experiment: string;
  dataset: string;
  embeddingModel: string;
  teacher: string;
  status: RunStatus;
  error?: string;
  /** Wall time of the run's process, seconds. */
  seconds?: number;
  /** The run's folder, when it finished. */
  folder?: string;
  summary?: ExperimentSummary;
}

interface Headline {
  original: number | null;
  optimized: number | null;
  delta: number | null;
  p: number | null;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function headline(summary: ExperimentSummary | undefined, metric: string): Headline {
  const original = summary?.types.original?.mean as Record<string, unknown> | undefined;
  const optimized = summary?.types.optimized;
  const vs = optimized?.vs_original as
    Record<string, { mean_delta: number; p_randomization: number }> | undefined;
  return {
    original: num(original?.[metric]),
    optimized: num((optimized?.mean as Record<string, unknown> | undefined)?.[metric]),
    delta: num(vs?.[metric]?.mean_delta),
    p: num(vs?.[metric]?.p_randomization),
  };
}

const fixed = (x: number | null, digits = 4, signed = false) =>
  x === null ? '–' : `${signed && x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const pText = (p: number | null) =>
  p === null ? '' : ` (p=${p < 0.001 ? p.toExponential(0) : p.toPrecision(2)})`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** The table as GitHub-flavoured markdown. */
export function matrixMarkdown(rows: MatrixRow[]): string {
  const head = [
    '#',
    'experiment',
    'dataset',
    'embedding',
    'teacher',
    'status',
    ...HEADLINE_METRICS.flatMap((m) => [`${m.label} orig → opt`, `Δ${m.label} (p)`]),
    'time (s)',
  ];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((h, i) => (i === 0 || i >= 6 ? '---:' : '---')).join('|')}|`,
  ];
  rows.forEach((r, i) => {
    const metrics = HEADLINE_METRICS.flatMap((m) => {
      const h = headline(r.summary, m.key);
      return r.summary
        ? [`${fixed(h.original)} → ${fixed(h.optimized)}`, `${fixed(h.delta, 4, true)}${pText(h.p)}`]
        : ['', ''];
    });
    const error = r.error && r.error.length > 100 ? `${r.error.slice(0, 99)}…` : r.error;
    const status = r.status === 'failed' && error ? `failed: ${error}` : r.status;
    lines.push(
      `| ${[
        String(i + 1),
        r.experiment,
        r.dataset,
        r.embeddingModel,
        r.teacher,
        status,
        ...metrics,
        r.seconds === undefined ? '' : r.seconds.toFixed(1),
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  });
  return lines.join('\n') + '\n';
}

/** The table as CSV: one row per run, metrics as full-precision numbers. */
export function matrixCsv(rows: MatrixRow[]): string {
  const header = [
    'experiment',
    'dataset',
    'embedding_model',
    'teacher',
    'status',
    'error',
    'queries',
    ...HEADLINE_METRICS.flatMap((m) => [
      `${m.key}_original`,
      `${m.key}_optimized`,
      `${m.key}_delta`,
      `${m.key}_p_randomization`,
    ]),
    'time_s',
    'folder',
  ];
  const lines = [csvLine(header)];
  for (const r of rows) {
    const metrics = HEADLINE_METRICS.flatMap((m) => {
      const h = headline(r.summary, m.key);
      return [h.original, h.optimized, h.delta, h.p];
    });
    lines.push(
      csvLine([
        r.experiment,
        r.dataset,
        r.embeddingModel,
        r.teacher,
        r.status,
        r.error ?? '',
        r.summary?.queries ?? null,
        ...metrics,
        r.seconds === undefined ? null : Math.round(r.seconds * 10) / 10,
        r.folder ?? '',
      ]),
    );
  }
  return lines.join('');
}
