import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar } from './progressBar';

function recorder(isTTY: boolean) {
  const lines: string[] = [];
  let clock = 0;
  const bar = new ProgressBar(
    { isTTY, write: (text: string) => lines.push(text) },
    { logEveryMs: 5000, now: () => clock },
  );
  return { bar, lines, advance: (ms: number) => (clock += ms) };
}

describe('progress bar', () => {
  it('off a terminal, writes a line every few seconds with done/total, rate and time left', () => {
    const { bar, lines, advance } = recorder(false);
    bar.update({ stage: 'embed documents', done: 0, total: 100 });
    for (let done = 1; done < 100; done++) {
      advance(200);
      bar.update({ stage: 'embed documents', done, total: 100 });
    }
    advance(200);
    bar.update({ stage: 'embed documents', done: 100, total: 100 });
    bar.finish();
    expect(lines[0]).toBe('embed documents ...\n');
    // 20 s in all, a line every 5 s: at 25, 50 and 75 done (5 items a second).
    expect(lines.slice(1, -1)).toEqual([
      'embed documents: 25/100 (25%), 5.00/s, ETA 15s\n',
      'embed documents: 50/100 (50%), 5.00/s, ETA 10s\n',
      'embed documents: 75/100 (75%), 5.00/s, ETA 5s\n',
    ]);
    expect(lines.at(-1)).toBe('embed documents done in 20.0s\n');
  });

  it('on a terminal, redraws one line with the rate and ETA', () => {
    const { bar, lines, advance } = recorder(true);
    bar.update({ stage: 'refine', done: 0, total: 10 });
    advance(2000);
    bar.update({ stage: 'refine', done: 4, total: 10 });
    expect(lines.at(-1)).toMatch(/^\rrefine +█+░+ +40% 4\/10, 2\.00\/s, ETA 3s/);
  });

  it('formats durations', () => {
    expect(formatDuration(44.6)).toBe('45s');
    expect(formatDuration(187)).toBe('3m07s');
    expect(formatDuration(7500)).toBe('2h05m');
  });
});
