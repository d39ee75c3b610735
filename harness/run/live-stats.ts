import { decodeLines, LineTail, type StreamRecord } from '../../vocabulary';

export interface LiveStatsOptions {
  /** The k6 JSON sample stream (`--out json=<path>`); it may not exist yet when started. */
  path: string;
  /** Receives each stats line (no trailing newline). */
  write: (line: string) => void;
  /** Milliseconds; injectable so tests need no sleeps. */
  now?: () => number;
  pollMs?: number;
  reportMs?: number;
  /** Initial read buffer; it grows when a single line does not fit. */
  bufferBytes?: number;
}

export interface LiveSnapshot {
  requests: number;
  /** `http_req_failed` points with value 1 (k6's notion of a failed request). */
  errors: number;
  iterations: number;
  /** Latest `vus` gauge value, undefined before the first one. */
  vus: number | undefined;
  /** Since the first bytes of the stream were seen (about when the engine's test started). */
  elapsedMs: number;
  /** Requests per second over the whole run and since the previous report. */
  avgRate: number;
  intervalRate: number;
}

/**
 * A harness-level live stats line fed by the k6 JSON sample stream, the same for real k6 and the
 * builtin engine:
 *
 *     live: 12,345 requests  1,987 req/s (avg 1,950)  errors 3 (0.02%)  iterations 12,001  VUs 150  elapsed 0m21s
 *
 * Tails the growing file with the k6 stream's one reader (`LineTail`) and decodes it with its one
 * decoder (`decodeLines`, vocabulary/samples, whose fast path reads k6's Point lines without
 * JSON.parse): every `pollMs` it takes the complete lines appended since the last poll and counts.
 * Prints every `reportMs` while the stream grows, and once more on `stop()`. Timers are unref'd; `stop()` is idempotent
 * and closes the file, so a forgotten tailer never keeps the process alive.
 */
/** The metrics the line counts: the decoder skips every other line before parsing its time and tags. */
const COUNTED: ReadonlySet<string> = new Set(['http_reqs', 'http_req_failed', 'iterations', 'vus']);

export class LiveStats implements Disposable {
  readonly #o: Required<Omit<LiveStatsOptions, 'bufferBytes'>>;
  readonly #tail: LineTail;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  #requests = 0;
  #errors = 0;
  #iterations = 0;
  #vus: number | undefined;
  /** The decoded records of one batch, reused between polls. */
  readonly #records: StreamRecord[] = [];
  #firstDataAt: number | undefined;
  #lastReportAt = 0;
  #lastReportRequests = 0;
  #lastReportOffset = 0;

  constructor(o: LiveStatsOptions) {
    this.#o = { now: () => performance.now(), pollMs: 1000, reportMs: 5000, ...o };
    this.#tail = new LineTail(o.path, { bufferBytes: o.bufferBytes });
    this.#lastReportAt = this.#o.now();
  }

  /** Starts polling; returns this. */
  start(): this {
    if (this.#stopped || this.#timer) return this;
    this.#lastReportAt = this.#o.now();
    this.#timer = setInterval(() => this.tick(), this.#o.pollMs);
    this.#timer.unref();
    return this;
  }

  /** One timer step: poll, and print a line when `reportMs` have passed since the last one. */
  tick(): void {
    if (this.#stopped) return;
    try {
      this.poll();
    } catch (e) {
      // Live stats are a convenience: never let them break the run.
      this.#o.write(`  live: stats unavailable (${(e as Error).message})`);
      this.#close();
      this.#stopped = true;
      clearInterval(this.#timer);
      return;
    }
    // Quiet once the stream stops growing (the engine exited; chaos still checks recovery).
    if (this.#tail.offset > this.#lastReportOffset && this.#o.now() - this.#lastReportAt >= this.#o.reportMs) this.report();
  }

  /** Reads everything appended since the last poll and updates the counters. */
  poll(): void {
    if (this.#stopped) return;
    for (let lines = this.#tail.read(); ; lines = this.#tail.read()) {
      if (this.#tail.offset > 0) this.#firstDataAt ??= this.#o.now();
      if (!lines) return;
      this.#scan(lines);
    }
  }

  /** Counts in complete lines only (`view` starts at a line start and ends after a newline). */
  #scan(view: Buffer): void {
    const records = this.#records;
    records.length = 0;
    decodeLines(view.toString('utf8'), records, COUNTED);
    for (const r of records) {
      if (r.type !== 'Point') continue;
      const s = r.sample;
      switch (s.metric) {
        case 'http_reqs':
          this.#requests++;
          break;
        case 'http_req_failed':
          // a rate: 1 is a failed request
          if (s.value === 1) this.#errors++;
          break;
        case 'iterations':
          this.#iterations++;
          break;
        case 'vus':
          this.#vus = s.value;
          break;
      }
    }
    records.length = 0;
  }

  snapshot(): LiveSnapshot {
    const now = this.#o.now();
    const elapsedMs = this.#firstDataAt === undefined ? 0 : now - this.#firstDataAt;
    const since = Math.max(this.#lastReportAt, this.#firstDataAt ?? now);
    return {
      requests: this.#requests,
      errors: this.#errors,
      iterations: this.#iterations,
      vus: this.#vus,
      elapsedMs,
      avgRate: elapsedMs > 0 ? (this.#requests * 1000) / elapsedMs : 0,
      intervalRate: now > since ? ((this.#requests - this.#lastReportRequests) * 1000) / (now - since) : 0,
    };
  }

  /** Prints the current line and starts a new interval. */
  report(): void {
    this.#o.write(formatLiveStats(this.snapshot()));
    this.#lastReportAt = this.#o.now();
    this.#lastReportRequests = this.#requests;
    this.#lastReportOffset = this.#tail.offset;
  }

  /** Last poll, the final line (only if the stream ever had data), timers cleared, file closed. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      this.poll();
    } catch {
      // report what was counted so far
    }
    this.#stopped = true;
    if (this.#firstDataAt !== undefined) this.report();
    this.#close();
  }

  [Symbol.dispose](): void {
    this.stop();
  }

  #close(): void {
    this.#tail.close();
  }
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `  live: 12,345 requests  1,987 req/s (avg 1,950)  errors 3 (0.02%)  iterations 12,001  VUs 150  elapsed 0m21s` */
export function formatLiveStats(s: LiveSnapshot): string {
  const pct = s.requests > 0 ? ((s.errors * 100) / s.requests).toFixed(2) : '0.00';
  const secs = Math.floor(s.elapsedMs / 1000);
  const elapsed = `${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, '0')}s`;
  return (
    `  live: ${int.format(s.requests)} requests  ${int.format(s.intervalRate)} req/s (avg ${int.format(s.avgRate)})` +
    `  errors ${int.format(s.errors)} (${pct}%)  iterations ${int.format(s.iterations)}  VUs ${s.vus ?? '-'}  elapsed ${elapsed}`
  );
}
