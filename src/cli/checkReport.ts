import type { SummaryDiff } from '../core/experiment/summaryDiff';

const f = (x: number | null) => (x === null ? 'NaN' : x.toFixed(6));
const signed = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(6)}`);

/** The diff as text: a line per type, then a table of the metrics that moved (or all, with --all). */
export function formatDiff(diff: SummaryDiff, all: boolean): string {
  const out: string[] = [];
  const types = [...new Set(diff.rows.map((r) => r.type))];
  out.push(
    `${'type'.padEnd(16)}${'metrics'.padStart(8)}${'max |Δ|'.padStart(12)}  worst metric        status`,
  );
  for (const type of types) {
    const rows = diff.rows.filter((r) => r.type === type);
    const worst = rows.reduce<(typeof rows)[number] | undefined>(
      (w, r) => (w === undefined || Math.abs(r.delta ?? Infinity) > Math.abs(w.delta ?? Infinity) ? r : w),
      undefined,
    );
    const failed = rows.filter((r) => r.failed).length;
    const maxDelta = worst ? Math.abs(worst.delta ?? NaN) : 0;
    out.push(
      `${type.padEnd(16)}${String(rows.length).padStart(8)}${(Number.isNaN(maxDelta) ? 'NaN' : maxDelta.toFixed(6)).padStart(12)}  ` +
        `${(worst && maxDelta > 0 ? worst.metric : '-').padEnd(20)}${failed ? `FAIL (${failed} moved)` : 'ok'}`,
    );
  }
  const shown = all ? diff.rows : diff.rows.filter((r) => r.failed);
  if (shown.length) {
    out.push('', all ? 'Every mean metric:' : `Moved by more than ${diff.tolerance}:`);
    out.push(
      `${'type'.padEnd(16)}${'metric'.padEnd(18)}${'baseline'.padStart(12)}${'re-run'.padStart(12)}${'Δ'.padStart(12)}`,
    );
    for (const r of shown)
      out.push(
        `${r.type.padEnd(16)}${r.metric.padEnd(18)}${f(r.baseline).padStart(12)}${f(r.current).padStart(12)}${signed(r.delta).padStart(12)}` +
          (r.failed ? '  ✗' : ''),
      );
  }
  if (diff.problems.length) out.push('', 'Not comparable:', ...diff.problems.map((p) => `  ${p}`));
  out.push(
    '',
    diff.passed
      ? `PASS: all ${diff.rows.length} mean metrics within ${diff.tolerance} of the baseline.`
      : `FAIL: ${diff.failures.length} of ${diff.rows.length} mean metrics moved by more than ${diff.tolerance}` +
          (diff.problems.length ? `; ${diff.problems.length} difference(s) in what was computed` : '') +
          '.',
  );
  return out.join('\n') + '\n';
}
