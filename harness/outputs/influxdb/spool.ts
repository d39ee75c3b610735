import { appendFileSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';

/** Where a run's unsent points wait: `<run-dir>/influxdb-spool/` (what `harness push` reads). */
export const SPOOL_DIR = 'influxdb-spool';

/** Lines per segment: bounds what a replay holds in memory at once. */
const SEGMENT_LINES = 100_000;

/**
 * Points the server did not take, on disk in the run directory as gzip'd line protocol
 * (`influxdb-spool/<seq>.lp.gz`), replayed oldest first. Each append is one gzip member written
 * synchronously (a multi-member gzip file, as `gzip -c a >> f` makes): on disk at once, nothing
 * buffered in memory, and a harness killed mid-run leaves readable segments.
 * A segment is deleted once every line of it was written, and a replay that fails part-way
 * re-spools the rest, so each spooled point is replayed exactly once (and a point sent twice
 * anyway, e.g. after a timeout the server did honour, lands on the same series and timestamp:
 * InfluxDB overwrites it).
 *
 *   append(lines) ─▶ open segment (gzip stream) ─▶ rotate() ─▶ closed segments ─▶ replay(send)
 */
export class Spool {
  readonly dir: string;
  #current: { file: string; lines: number } | undefined;
  #seq: number;

  constructor(runDir: string) {
    this.dir = join(runDir, SPOOL_DIR);
    this.#seq = Math.max(0, ...this.#segments().map((f) => Number.parseInt(f, 10) + 1));
  }

  /** Closed segments waiting to be replayed, oldest first. */
  #segments(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((f) => /^\d+\.lp\.gz$/.test(f))
        .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    } catch {
      return [];
    }
  }

  /** Lines waiting on disk (closed segments; read, so meant for reports, not hot paths). */
  pendingLines(): number {
    let n = 0;
    for (const f of this.#segments()) if (join(this.dir, f) !== this.#current?.file) n += readSegment(join(this.dir, f)).length;
    return n + (this.#current?.lines ?? 0);
  }

  append(lines: readonly string[]): void {
    if (lines.length) this.appendBytes(`${lines.join('\n')}\n`, lines.length);
  }

  /** `lines` lines, each ending in `\n`, as bytes (or text). */
  appendBytes(bytes: Uint8Array | string, lines: number): void {
    if (!lines) return;
    if (!this.#current) {
      mkdirSync(this.dir, { recursive: true });
      this.#current = { file: join(this.dir, `${this.#seq++}.lp.gz`), lines: 0 };
    }
    appendFileSync(this.#current.file, gzipSync(bytes, { level: 1 }));
    this.#current.lines += lines;
    if (this.#current.lines >= SEGMENT_LINES) this.#current = undefined;
  }

  /** Closes the open segment (it becomes replayable). */
  async rotate(): Promise<void> {
    this.#current = undefined;
  }

  /**
   * Sends every closed segment through `send` in batches of `batchLines`; stops at the first
   * failure (the unsent rest is spooled again). Returns how many lines were written.
   */
  async replay(send: (lines: string[]) => Promise<void>, batchLines: number): Promise<{ replayed: number; failed?: unknown }> {
    await this.rotate();
    let replayed = 0;
    for (const f of this.#segments()) {
      const file = join(this.dir, f);
      const lines = readSegment(file);
      for (let i = 0; i < lines.length; i += batchLines) {
        const batch = lines.slice(i, i + batchLines);
        try {
          await send(batch);
        } catch (failed) {
          this.append(lines.slice(i));
          await this.rotate();
          unlinkSync(file);
          return { replayed, failed };
        }
        replayed += batch.length;
      }
      unlinkSync(file);
    }
    return { replayed };
  }
}

/** A segment's lines; a segment cut short (the harness was killed) yields what was flushed. */
function readSegment(file: string): string[] {
  let text: string;
  try {
    text = gunzipSync(readFileSync(file), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop(); // a partial last line
  else lines.pop(); // the empty string after the final newline
  return lines.filter((l) => l.length > 0);
}
