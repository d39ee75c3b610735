import type { Writable } from 'node:stream';
import { formatFixedDuration } from '../../../vocabulary';
import { padInt } from '../executors/helpers';
import type { Executor } from '../executors/types';
import type { SchedulerState } from './scheduler';

export interface ProgressSource {
  state: SchedulerState;
  executors: readonly Executor[];
  /** Header max duration (ms), for the fixed-width `running (00m01.0s)` clock. */
  maxDuration: number;
  /** Max possible VUs of the plan: the VU counts are zero-padded to its digits (`05/50 VUs`). */
  maxVUs?: number;
  now(): number;
}

/**
 * k6's progress block:
 *
 *   running (00m01.0s), 0/6 VUs, 23 complete and 0 interrupted iterations
 *   ingest   [  50% ] 0/5 VUs  1.0s/2s         20.00 iters/s
 *   probe  ✓ [ 100% ] 1 VUs    00m00.3s/10m0s  3/3 iters, 3 per VU
 *
 * Right-hand columns are padded to the widest bar's column (the last one is not padded).
 * On a TTY the bar is drawn (`[====>---]`) instead of the percentage.
 */
export function renderProgress(src: ProgressSource, tty = false, barWidth = 40): string[] {
  const st = src.state;
  const t = src.now();
  const elapsed = st.startedAt ? t - st.startedAt : 0;
  // k6: GetFixedLengthDuration(spent, maxDuration) and GetFixedLengthIntFormat(maxPossibleVUs)
  const maxVUs = src.maxVUs ?? st.vusMax;
  const lines = [
    `running (${formatFixedDuration(elapsed, src.maxDuration)}), ${padInt(st.vusActive, maxVUs)}/${padInt(st.vusMax, maxVUs)} VUs, ${st.iterationsCompleted} complete and ${st.iterationsInterrupted} interrupted iterations`,
  ];
  const nameWidth = Math.max(0, ...src.executors.map((e) => e.config.name.length));
  const rows = src.executors.map((e) => ({ e, p: e.progress(t) }));
  const colWidths: number[] = [];
  for (const { p } of rows) p.right.forEach((s, i) => (colWidths[i] = Math.max(colWidths[i] ?? 0, [...s].length)));
  for (const { e, p } of rows) {
    const status = e.finished ? (st.stopCause && st.stopCause.kind !== 'thresholds' ? '✗' : '✓') : ' ';
    const fraction = Math.max(0, Math.min(1, p.fraction));
    const right = p.right.map((s, i) => (i < p.right.length - 1 ? s + ' '.repeat(colWidths[i] - [...s].length) : s)).join('  ');
    const middle = tty ? bar(fraction, barWidth) : `[ ${String(Math.round(fraction * 100)).padStart(3)}% ]`;
    lines.push(`${e.config.name.padEnd(nameWidth)} ${status} ${middle}${right ? ` ${right}` : ''}`);
  }
  return lines;
}

function bar(fraction: number, width: number): string {
  const filled = Math.floor(fraction * width);
  if (filled >= width) return `[${'='.repeat(width)}]`;
  return `[${'='.repeat(filled)}>${'-'.repeat(width - filled - 1)}]`;
}

/**
 * Writes the progress block: on a TTY redrawn in place every `ttyIntervalMs`, otherwise appended
 * every `intervalMs` (k6: 1 s) as `\n<block>`; `finish()` writes the last block. A NullProgress is
 * used for --quiet.
 */
export interface ProgressReporter {
  start(): void;
  /** Stops the timer (before the summary is printed). */
  stop(): void;
  /** Writes the final block (k6 prints it after the summary). */
  finish(): void;
}

export class NullProgress implements ProgressReporter {
  start(): void {}
  stop(): void {}
  finish(): void {}
}

export class StreamProgress implements ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private drawnLines = 0;
  constructor(
    private readonly src: ProgressSource,
    private readonly out: Writable,
    private readonly tty: boolean,
    private readonly intervalMs = tty ? 200 : 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(false), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  finish(): void {
    this.stop();
    this.draw(true);
  }

  private draw(final: boolean): void {
    const lines = renderProgress(this.src, this.tty);
    if (this.tty) {
      const up = this.drawnLines ? `\x1b[${this.drawnLines}A` : '\n';
      this.out.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
      this.drawnLines = final ? 0 : lines.length;
    } else this.out.write(`\n${lines.join('\n')}\n`);
  }
}
