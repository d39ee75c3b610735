import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** One line of `<runDir>/chaos-journal.jsonl`: what happened when (`t` = ms since start). */
export interface JournalEntry {
  t: number;
  at: string;
  event: string;
  [k: string]: unknown;
}

/**
 * The experiment journal, written synchronously line by line so a crash loses at most the line
 * being written and `harness reap` can read which toxics were left behind.
 */
export class Journal {
  readonly entries: JournalEntry[] = [];
  readonly t0 = performance.now();
  /** Wall-clock time (epoch ms) of journal time 0, to map engine timestamps onto the journal. */
  readonly epochAtZero = Date.now();

  constructor(readonly file?: string) {
    if (file) mkdirSync(dirname(file), { recursive: true });
  }

  now(): number {
    return Math.round(performance.now() - this.t0);
  }

  write(event: string, fields: Record<string, unknown> = {}): JournalEntry {
    const entry: JournalEntry = { t: this.now(), at: new Date().toISOString(), event, ...fields };
    this.entries.push(entry);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
    return entry;
  }
}
