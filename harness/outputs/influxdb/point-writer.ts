import { setTimeout as sleep } from 'node:timers/promises';
import type { Spool } from './spool';

/** Where batches of line protocol go (InfluxDB's `/api/v2/write`); rejects when not written. */
export interface LineSink {
  /** Lines, or their text (lines ending in `\n`) as a string or bytes: one request. */
  write(lines: readonly string[] | string | Uint8Array): Promise<void>;
}

/** A batch as queued: its lines as bytes (each ending in `\n`) in a reusable buffer, no string per line kept. */
interface Batch {
  /** The lines' bytes: `buf`'s first bytes. */
  bytes: Buffer;
  buf: Buffer;
  lines: number;
}

/** Lines joined into a string at a time before their bytes are copied into the batch. */
const CHUNK_LINES = 256;

export interface PointWriterOptions {
  batchLines?: number;
  /** A partial batch is sent after this long. */
  flushMs?: number;
  /** Batches held in memory; beyond that the oldest goes to the spool (bounded memory). */
  maxQueuedBatches?: number;
  /** Attempts per batch while the server is up, with exponential backoff from `minBackoffMs`. */
  attempts?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
}

export interface WriteStats {
  /** Points handed to the writer. */
  produced: number;
  /** Written while streaming. */
  written: number;
  /** Put in the spool (server down, slow, or the writer closed with a backlog). */
  spooled: number;
  /** Spooled points written later (this run or `harness push`). */
  replayed: number;
}

/**
 * Batches points to a sink without ever blocking the producer or holding unbounded memory:
 *
 *   add(line) ─▶ batch ─▶ queue (≤ maxQueuedBatches) ─▶ sender ─▶ sink ──ok──▶ written
 *                                 │ overflow                │ failed after retries / server down
 *                                 ▼                         ▼
 *                               spool ◀─────────────────────┘ ──(server back)──▶ replay ─▶ replayed
 *
 * One sender, one request in flight. While the server is considered down, queued batches are
 * spooled and one batch probes it every backoff period; the first success replays the spool.
 * Invariant: produced = written + spooled + still queued, and replayed ≤ spooled.
 */
export class PointWriter {
  readonly stats: WriteStats = { produced: 0, written: 0, spooled: 0, replayed: 0 };
  /** The batch being filled: bytes of the lines so far, and the last few lines not yet copied. */
  #buf: Buffer | undefined;
  #len = 0;
  #lines: string[] = [];
  #batchLines = 0;
  /** Batch buffers to reuse (a full one is about `batchLines` × 250 bytes). */
  #free: Buffer[] = [];
  #batchSince = 0;
  #queue: Batch[] = [];
  #closing = false;
  #down = false;
  #nextProbe = 0;
  #probeMs: number;
  #wake: (() => void) | undefined;
  #room: Array<() => void> = [];
  #deadline = Infinity;
  #loop: Promise<void>;
  readonly #o: Required<Omit<PointWriterOptions, 'log'>> & { log: (l: string) => void };

  constructor(
    private readonly sink: LineSink,
    private readonly spool: Spool,
    o: PointWriterOptions = {},
  ) {
    this.#o = { batchLines: 5000, flushMs: 1000, maxQueuedBatches: 8, attempts: 3, minBackoffMs: 200, maxBackoffMs: 5000, log: () => {}, ...o };
    this.#probeMs = this.#o.minBackoffMs;
    this.#loop = this.#run();
  }

  add(line: string): void {
    this.stats.produced++;
    if (this.#batchLines++ === 0) this.#batchSince = Date.now();
    // copied out of the JS heap a few hundred at a time: thousands of line strings (or one
    // multi-MB batch string) kept until sent would outlive the young generation and grow RSS
    if (this.#lines.push(line) >= CHUNK_LINES) this.#copyLines();
    if (this.#batchLines >= this.#o.batchLines) this.#enqueue();
  }

  #copyLines(): void {
    const text = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    const n = Buffer.byteLength(text);
    if (!this.#buf || this.#len + n > this.#buf.length) {
      const bigger = this.#free.pop() ?? Buffer.allocUnsafe(this.#bufferBytes);
      const next = bigger.length >= this.#len + n ? bigger : Buffer.allocUnsafe(2 * (this.#len + n));
      if (this.#buf) this.#buf.copy(next, 0, 0, this.#len);
      this.#buf = next;
    }
    this.#len += this.#buf.write(text, this.#len);
  }

  /**
   * The queue is full: a producer that can wait (the sample stream, already on disk) should
   * `await room()` instead of adding, so a slow server slows the reading, not the engine, and
   * nothing is spooled for being merely slow. What is added anyway overflows to the spool.
   */
  get backlogged(): boolean {
    return this.#queue.length >= this.#o.maxQueuedBatches;
  }

  room(): Promise<void> {
    if (!this.backlogged) return Promise.resolve();
    return new Promise((resolve) => this.#room.push(resolve));
  }

  /** From `at` (epoch ms) on, nothing is sent: the rest goes to the spool (bounded finish time). */
  sendUntil(at: number): void {
    this.#deadline = at;
    this.#wake?.();
  }

  #enqueue(): void {
    if (!this.#batchLines) return;
    if (this.#lines.length) this.#copyLines();
    this.#queue.push({ bytes: this.#buf!.subarray(0, this.#len), buf: this.#buf!, lines: this.#batchLines });
    this.#buf = undefined;
    this.#len = 0;
    this.#batchLines = 0;
    while (this.#queue.length > this.#o.maxQueuedBatches) this.#spool(this.#queue.shift()!);
    this.#wake?.();
  }

  #freeRoom(): void {
    if (this.backlogged) return;
    for (const r of this.#room.splice(0)) r();
  }

  #spool(batch: Batch): void {
    this.spool.appendBytes(batch.bytes, batch.lines);
    this.stats.spooled += batch.lines;
    this.#release(batch);
  }

  /** The batch was written or spooled: its buffer can take the next one. */
  #release(batch: Batch): void {
    if (this.#free.length < 2 && batch.buf.length === this.#bufferBytes) this.#free.push(batch.buf);
  }

  /** A batch buffer's size: room for `batchLines` lines of 256 bytes (longer lines grow it). */
  get #bufferBytes(): number {
    return Math.max(this.#o.batchLines * 256, 64 * 1024);
  }

  async #run(): Promise<void> {
    for (;;) {
      if (!this.#queue.length && this.#batchLines && (this.#closing || Date.now() - this.#batchSince >= this.#o.flushMs)) this.#enqueue();
      const batch = this.#queue.shift();
      this.#freeRoom();
      if (!batch) {
        if (this.#closing) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(this.#o.flushMs, 250));
          this.#wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.#wake = undefined;
        continue;
      }
      if (await this.#send(batch)) {
        this.stats.written += batch.lines;
        this.#release(batch);
        if (this.stats.spooled > this.stats.replayed) await this.#replay();
      } else this.#spool(batch);
    }
  }

  /** true when written. While down, only one probe per backoff period; the rest spools at once. */
  async #send(batch: Batch): Promise<boolean> {
    if (Date.now() >= this.#deadline) return false;
    if (this.#down && Date.now() < this.#nextProbe) return false;
    const attempts = this.#down || this.#closing ? 1 : this.#o.attempts;
    let delay = this.#o.minBackoffMs;
    for (let i = 1; ; i++) {
      try {
        await this.sink.write(batch.bytes);
        if (this.#down) this.#o.log(`influxdb: server is back`);
        this.#down = false;
        this.#probeMs = this.#o.minBackoffMs;
        return true;
      } catch (e) {
        if (i >= attempts) {
          if (!this.#down) this.#o.log(`influxdb: write failed (${(e as Error).message}); spooling to ${this.spool.dir} until the server is back`);
          this.#down = true;
          this.#nextProbe = Date.now() + this.#probeMs;
          this.#probeMs = Math.min(this.#probeMs * 2, this.#o.maxBackoffMs);
          return false;
        }
        await sleep(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(delay * 2, this.#o.maxBackoffMs);
      }
    }
  }

  async #replay(): Promise<void> {
    if (Date.now() >= this.#deadline) return;
    const r = await this.spool.replay((lines) => this.sink.write(lines), this.#o.batchLines);
    this.stats.replayed += r.replayed;
    if (r.failed !== undefined) {
      this.#down = true;
      this.#nextProbe = Date.now() + this.#probeMs;
    }
  }

  /**
   * Sends what is held (one attempt per batch), spools the rest, then tries the spool once
   * (it stops at the first failure). Never throws.
   */
  async close(): Promise<WriteStats> {
    this.#closing = true;
    this.#enqueue();
    this.#wake?.();
    await this.#loop;
    if (this.stats.spooled > this.stats.replayed) await this.#replay();
    await this.spool.rotate();
    return this.stats;
  }
}
