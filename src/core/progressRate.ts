import type { ProgressEvent } from './progress';

/** How fast the current stage goes, once it has run long enough to tell. */
export interface Pace {
  /** Items (or bytes) a second, over the stage so far. */
  rate: number;
  /** Seconds left at that rate (never negative); absent while the total is unknown or too little is done. */
  secondsLeft?: number;
}

export interface PaceOptions {
  /** No rate before the stage has run this long (ms). */
  minElapsedMs?: number;
  /** No time left before this fraction of the total is done since the stage started. */
  minFraction?: number;
}

/**
 * Rate and time left from one stage's progress events, shared by the CLI bar and the app's bars. The
 * stage starts over (a fresh clock and count) when its name changes or its count goes backwards; the rate
 * is the average since the first event seen of the stage, so it settles instead of jumping with each
 * batch. Calling `update` twice with the same event at the same time gives the same answer (a React render
 * may run twice).
 */
export class PaceEstimator {
  private stage: string | undefined;
  private startMs = 0;
  private startDone = 0;
  private lastDone = 0;
  private readonly minElapsedMs: number;
  private readonly minFraction: number;

  constructor(options: PaceOptions = {}) {
    this.minElapsedMs = options.minElapsedMs ?? 1000;
    this.minFraction = options.minFraction ?? 0.01;
  }

  /** Forgets the stage: the next event starts a fresh one. */
  reset(): void {
    this.stage = undefined;
    this.lastDone = 0;
  }

  /** Takes an event seen at `nowMs`; returns the pace so far, or undefined while it is too early to say. */
  update(event: ProgressEvent, nowMs: number): Pace | undefined {
    if (event.stage !== this.stage || event.done < this.lastDone) {
      this.stage = event.stage;
      this.startMs = nowMs;
      this.startDone = event.done;
    }
    this.lastDone = event.done;
    const elapsed = (nowMs - this.startMs) / 1000;
    const progressed = event.done - this.startDone;
    if (elapsed * 1000 < this.minElapsedMs || elapsed <= 0 || progressed <= 0) return undefined;
    const rate = progressed / elapsed;
    if (event.total <= 0 || progressed < this.minFraction * event.total) return { rate };
    return { rate, secondsLeft: Math.max(0, event.total - event.done) / rate };
  }
}

/** A rate for people: `340/s`, `2.5/s`, or `18/min` when slower than one a second. */
export function formatRate(rate: number): string {
  if (rate >= 1) return `${rate >= 10 ? Math.round(rate).toLocaleString() : rate.toFixed(1)}/s`;
  const perMinute = rate * 60;
  return `${perMinute >= 10 ? Math.round(perMinute) : perMinute.toFixed(1)}/min`;
}

/** Time left for people: `about 41 s left`, `about 3 min left`, `about 2 h 05 min left`. */
export function formatTimeLeft(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 1) return 'almost done';
  if (s < 90) return `about ${s} s left`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min left`;
}

/** `340/s · about 41 s left`, `340/s` without a time left, or empty while it is too early to say. */
export function formatPace(pace: Pace | undefined): string {
  if (!pace) return '';
  const rate = formatRate(pace.rate);
  return pace.secondsLeft === undefined ? rate : `${rate} · ${formatTimeLeft(pace.secondsLeft)}`;
}
