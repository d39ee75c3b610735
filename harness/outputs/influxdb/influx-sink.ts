import { InfluxDB, setLogger, type Transport } from '@influxdata/influxdb-client';
import type { InfluxSettings } from './config';
import type { LineSink } from './point-writer';

// The client logs failed writes on its own; the point writer reports them once, with what it does.
setLogger({ error: () => {}, warn: () => {} });

/**
 * `/api/v2/write` through `@influxdata/influxdb-client`'s transport (InfluxDB 1.8+, 2.x, 3.x,
 * and servers that speak it such as VictoriaMetrics), nanosecond precision, gzip'd above 1 KiB
 * unless the server is on this machine (a loopback address, e.g. `harness up --observability`):
 * there compression only costs CPU on both ends, the engine's CPU among them (measured: gzip
 * at the client's level is about 0.8 µs per raw point, a quarter of the whole path).
 * One `write` is one request with the batch as its body: the client's WriteApi would copy every
 * line into its own buffer and retry on its own, while the point writer already batches and
 * decides what a failure means (retry, spool), so no line is held in two places.
 */
export class InfluxSink implements LineSink {
  readonly #transport: Transport;
  readonly #path: string;
  readonly #gzipThreshold: number | undefined;
  readonly maxLines: number;

  /**
   * `maxLines`: the largest `write` (a request the server accepts; InfluxDB advises 5,000–10,000
   * lines). `gzip`: compress requests (default: unless the server is on a loopback address).
   */
  constructor(s: Pick<InfluxSettings, 'url' | 'token' | 'org' | 'bucket'>, o: { timeoutMs?: number; maxLines?: number; gzip?: boolean } = {}) {
    this.maxLines = o.maxLines ?? 10_000;
    this.#gzipThreshold = (o.gzip ?? !isLoopback(s.url)) ? 1024 : undefined;
    this.#transport = new InfluxDB({ url: s.url, token: s.token, timeout: o.timeoutMs ?? 10_000 }).transport;
    this.#path = `/api/v2/write?${new URLSearchParams({ org: s.org, bucket: s.bucket, precision: 'ns' })}`;
  }

  async write(lines: readonly string[] | string): Promise<void> {
    if (typeof lines !== 'string' && lines.length > this.maxLines) throw new Error(`a write of ${lines.length} lines exceeds ${this.maxLines}`);
    await this.#transport.request(this.#path, typeof lines === 'string' ? lines : lines.join('\n'), { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, gzipThreshold: this.#gzipThreshold });
  }

  /** Nothing is held between writes (each one is a whole request). */
  close(): void {}
}

/** 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
