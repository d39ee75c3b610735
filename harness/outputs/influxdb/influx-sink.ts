import { InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import type { InfluxSettings } from './config';
import type { LineSink } from './point-writer';

// The client logs failed writes on its own; the point writer reports them once, with what it does.
setLogger({ error: () => {}, warn: () => {} });

/**
 * `/api/v2/write` through `@influxdata/influxdb-client` (InfluxDB 1.8+, 2.x, 3.x, and servers that
 * speak it such as VictoriaMetrics), gzip'd above 1 KiB, nanosecond precision. The client's own
 * retries and buffer are off: one `write` is one request, and the point writer decides what a
 * failure means (retry, spool), so no line is held in two places.
 */
export class InfluxSink implements LineSink {
  readonly #api: WriteApi;
  readonly maxLines: number;

  /** `maxLines`: the largest `write` (the client would otherwise split a batch on its own). */
  constructor(s: Pick<InfluxSettings, 'url' | 'token' | 'org' | 'bucket'>, o: { timeoutMs?: number; maxLines?: number } = {}) {
    this.maxLines = o.maxLines ?? 10_000;
    this.#api = new InfluxDB({ url: s.url, token: s.token, timeout: o.timeoutMs ?? 10_000 }).getWriteApi(s.org, s.bucket, 'ns', {
      batchSize: this.maxLines + 1,
      maxBatchBytes: 1 << 30,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: Number.MAX_SAFE_INTEGER,
      gzipThreshold: 1024,
      // a Promise here is the result of flush(): the failure goes to the caller, no client retry
      writeFailed: (error) => Promise.reject(error),
    });
  }

  write(lines: string[]): Promise<void> {
    if (lines.length > this.maxLines) return Promise.reject(new Error(`a write of ${lines.length} lines exceeds ${this.maxLines}`));
    this.#api.writeRecords(lines);
    return this.#api.flush();
  }

  /** Drops anything unsent (the point writer has spooled it). */
  close(): void {
    this.#api.dispose();
  }
}
