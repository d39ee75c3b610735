import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeTargetRecord, targetRecordOf, type TargetScrape } from '../../vocabulary';

/** Lines written at one step before the step doubles (an hour at one a second). */
export const LINES_PER_STEP = 3600;

/**
 * The run directory's `target.ndjson`: one line per scrape (`targetRecordOf`: the charted part),
 * appended as it comes. Bounded whatever the run's length: after 3,600 lines the writer keeps
 * every 2nd scrape, after 3,600 more every 4th, ... so a day is ~20,000 lines, not 86,400
 * (counters are cumulative, so a thinned file loses no total, only time resolution).
 */
export class TargetFileWriter {
  #fd: number | undefined;
  #seen = 0;
  #step = 1;
  #atStep = 0;
  /** Lines written. */
  lines = 0;

  constructor(readonly path: string) {}

  /** For `TargetFeed.subscribe`. */
  readonly write = (s: TargetScrape): void => {
    if (this.#seen++ % this.#step !== 0) return;
    const rec = targetRecordOf(s);
    if (!rec) return;
    this.#fd ??= openSync(this.path, 'a');
    writeSync(this.#fd, encodeTargetRecord(rec));
    this.lines++;
    if (++this.#atStep >= LINES_PER_STEP) {
      this.#atStep = 0;
      this.#step *= 2;
      this.#seen = 1; // the next line one new step after this one
    }
  };

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
