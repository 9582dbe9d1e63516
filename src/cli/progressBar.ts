import type { ProgressEvent } from '../core/progress';
import { type Pace, PaceEstimator } from '../core/progressRate';

/** Where the bar writes: stderr, or anything with `write` (and `isTTY` for a terminal). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressBarOptions {
  /** Milliseconds between status lines when the stream is not a terminal (CI, nohup, a pipe). */
  logEveryMs?: number;
  /** The clock, in milliseconds (tests pass their own). */
  now?: () => number;
  /**
   * How counts read (`12.4 MB` for a download); given, the start line names the total and the end line
   * what was done. Default: plain numbers.
   */
  unit?: (count: number) => string;
}

/**
 * Progress on stderr, one bar per stage, with its rate and the time left: redrawn in place on a terminal;
 * on a pipe or in CI, a line when a stage starts, a line every few seconds with done/total, rate and time
 * left (so that a long run never looks hung), and one when it ends.
 */
export class ProgressBar {
  private stage = '';
  private stageStart = 0;
  private lastDraw = 0;
  private lastLog = 0;
  private readonly tty: boolean;
  private readonly logEveryMs: number;
  private readonly now: () => number;
  private readonly unit: ((count: number) => string) | undefined;
  private last: ProgressEvent | undefined;
  /** The rate and time left (a terminal shows them after half a second, with no minimum done). */
  private readonly pacer = new PaceEstimator({ minElapsedMs: 500, minFraction: 0 });
  private pace: Pace | undefined;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    options: ProgressBarOptions = {},
  ) {
    this.tty = Boolean(stream.isTTY);
    this.logEveryMs = options.logEveryMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
    this.unit = options.unit;
  }

  /** Takes one event (bound, so that it can be passed as a listener). */
  readonly update = (event: ProgressEvent): void => {
    const now = this.now();
    if (event.stage !== this.stage) {
      this.finish();
      this.stage = event.stage;
      this.stageStart = now;
      this.lastLog = now;
      const size = this.unit && event.total > 0 ? ` (${this.unit(event.total)})` : '';
      if (!this.tty) this.stream.write(`${event.stage}${size} ...\n`);
    }
    this.last = event;
    this.pace = this.pacer.update(event, now);
    const done = event.total > 0 && event.done >= event.total;
    if (this.tty) {
      if (!done && now - this.lastDraw <= 100) return;
      this.lastDraw = now;
      this.draw(event);
    } else if (!done && now - this.lastLog >= this.logEveryMs) {
      this.lastLog = now;
      const percent = event.total > 0 ? ` (${((100 * event.done) / event.total).toFixed(0)}%)` : '';
      this.stream.write(`${event.stage}: ${this.count(event)}${percent}${this.paceText()}\n`);
    }
  };

  private draw(event: ProgressEvent): void {
    if (event.total <= 0) {
      // An unknown size (a download without Content-Length): what has come so far.
      this.stream.write(`\r${event.stage} ${this.count(event)}${this.paceText()}\x1b[K`);
      return;
    }
    const frac = Math.min(1, event.done / event.total);
    const width = 30;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(
      `\r${event.stage.padEnd(18)} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ` +
        `${this.count(event)}${this.paceText()}\x1b[K`,
    );
  }

  /** `40/100`, or `4.00 MB / 10.0 MB` with a unit (`4.00 MB` when the total is unknown). */
  private count(event: ProgressEvent): string {
    const unit = this.unit ?? String;
    if (event.total <= 0) return unit(event.done);
    return this.unit ? `${unit(event.done)} / ${unit(event.total)}` : `${event.done}/${event.total}`;
  }

  /** Ends the current stage's bar with its elapsed time. */
  finish(): void {
    if (!this.stage) return;
    const now = this.now();
    const seconds = ((now - this.stageStart) / 1000).toFixed(1);
    // The last state, drawn even if it came within the redraw interval (the bar shows where it ended).
    if (this.tty && this.last) this.draw(this.last);
    const amount = this.unit && this.last ? `: ${this.unit(this.last.done)}` : '';
    this.stream.write(this.tty ? `  ${seconds}s\n` : `${this.stage} done${amount} in ${seconds}s\n`);
    this.stage = '';
    this.last = undefined;
    this.pace = undefined;
    this.pacer.reset();
  }

  /** `, 12.3/s, ETA 1m05s` once the stage has run long enough to tell; empty before. */
  private paceText(): string {
    const pace = this.pace;
    if (!pace) return '';
    const speed = this.unit ? this.unit(pace.rate) : formatRate(pace.rate);
    return (
      `, ${speed}/s` + (pace.secondsLeft !== undefined ? `, ETA ${formatDuration(pace.secondsLeft)}` : '')
    );
  }
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}

/** `45s`, `3m07s`, `2h05m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
