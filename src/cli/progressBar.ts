import type { ProgressEvent } from '../core/progress';

/**
 * Progress on stderr, one bar per stage: redrawn in place on a terminal; on a pipe or in CI, one line when a
 * stage starts and one when it ends, so that logs stay readable.
 */
export class ProgressBar {
  private stage = '';
  private lastDraw = 0;
  private readonly tty: boolean;
  private stageStart = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  update(event: ProgressEvent): void {
    if (event.stage !== this.stage) {
      this.finish();
      this.stage = event.stage;
      this.stageStart = performance.now();
      if (!this.tty) this.stream.write(`${event.stage} ...\n`);
    }
    const done = event.total > 0 && event.done >= event.total;
    const now = performance.now();
    if (this.tty && (done || now - this.lastDraw > 100)) {
      this.lastDraw = now;
      const frac = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
      const width = 30;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(
        `\r${event.stage.padEnd(18)} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${event.done}/${event.total}`,
      );
    }
  }

  /** Ends the current stage's bar with its elapsed time. */
  finish(): void {
    if (!this.stage) return;
    const seconds = ((performance.now() - this.stageStart) / 1000).toFixed(1);
    this.stream.write(this.tty ? `  ${seconds}s\n` : `${this.stage} done in ${seconds}s\n`);
    this.stage = '';
  }
}
