import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { HttpError, InfluxDB, RequestTimedOutError, setLogger, type Transport } from '@influxdata/influxdb-client';
import type { InfluxSettings } from './config';
import type { LineSink } from './point-writer';

const gzipAsync = promisify(gzip);

// The client logs failed writes on its own; the point writer reports them once, with what it does.
setLogger({ error: () => {}, warn: () => {} });

/**
 * `POST /api/v2/write` (InfluxDB 1.8+, 2.x, 3.x, and servers that speak it such as
 * VictoriaMetrics; InfluxDB 1.0-1.7's v1 `/write` after a 404 there) through `@influxdata/influxdb-client`'s transport: the client owns the URL
 * and context path, `Authorization: Token …`, the request options (`transportOptions`: here a
 * kept-alive agent with one socket), timeouts and the error it rejects with (`HttpError`).
 * Org, bucket, nanosecond precision; one `write` is one request. Bodies are gzip'd (level 1)
 * above 1 KiB unless the server is on this machine (a loopback address, e.g. `harness up
 * --observability`), where compression only costs CPU on both ends, the engine's among them.
 *
 * Why the transport and not the client's WriteApi, and why we gzip (docs/influxdb.md,
 * Performance): the WriteApi takes a string per line, copies them into its own buffer and joins
 * each batch into one multi-MB string: about 200 MiB peak and twice this sink's CPU per point.
 * It and the transport's `gzipThreshold` compress at zlib's default level 6 (0.8 µs per point
 * against 0.36 µs at level 1). So the point writer keeps batching (bytes in reused buffers),
 * retries and the spool, and this sink hands the transport a finished body: gzip'd here at
 * level 1 with `content-encoding: gzip` set (`gzipThreshold` left unset), or the plain bytes.
 * `send` types its body as a string but encodes it with `Buffer.from(body, 'utf-8')`, which for
 * bytes is one copy of the (compressed) body; influx-sink.test.ts sends bytes both ways, so a
 * client release that changes that fails it.
 */
export class InfluxSink implements LineSink {
  readonly #transport: Transport;
  #path: string;
  readonly #v1Path: string;
  readonly #bucket: string;
  readonly #origin: string;
  readonly #agent: http.Agent;
  readonly #gzip: boolean;
  readonly #timeoutMs: number;
  readonly maxLines: number;

  /**
   * `maxLines`: the largest `write` of lines (InfluxDB advises 5,000–10,000 lines a request).
   * `gzip`: compress requests (default: unless the server is on a loopback address).
   */
  constructor(s: Pick<InfluxSettings, 'url' | 'token' | 'org' | 'bucket'>, o: { timeoutMs?: number; maxLines?: number; gzip?: boolean } = {}) {
    this.maxLines = o.maxLines ?? 10_000;
    this.#gzip = o.gzip ?? !isLoopback(s.url);
    this.#timeoutMs = o.timeoutMs ?? 10_000;
    const base = s.url.replace(/\/+$/, '');
    this.#origin = base;
    this.#agent = new (new URL(base).protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
    this.#transport = new InfluxDB({ url: base, token: s.token, timeout: this.#timeoutMs, transportOptions: { agent: this.#agent } }).transport;
    this.#path = `/api/v2/write?${new URLSearchParams({ org: s.org, bucket: s.bucket, precision: 'ns' })}`;
    this.#v1Path = `/write?${new URLSearchParams({ db: s.bucket, precision: 'ns' })}`;
    this.#bucket = s.bucket;
  }

  async write(lines: readonly string[] | string | Uint8Array): Promise<void> {
    if (Array.isArray(lines) && lines.length > this.maxLines) throw new Error(`a write of ${lines.length} lines exceeds ${this.maxLines}`);
    const text = typeof lines === 'string' ? lines : Array.isArray(lines) ? lines.join('\n') : undefined;
    const bytes = text === undefined ? (lines as Uint8Array) : Buffer.from(text);
    const gzipped = this.#gzip && bytes.length > 1024;
    const body = gzipped ? await gzipAsync(bytes, { level: 1 }) : bytes;
    try {
      await this.#send(this.#path, body, gzipped);
    } catch (e) {
      if ((e as SinkError).status !== 404) throw e;
      // InfluxDB 1.0–1.7 has no /api/v2/write: its v1 `/write` takes the same lines (bucket = database),
      // and, like k6's own output, the database is created when it is missing
      if (this.#path !== this.#v1Path) {
        this.#path = this.#v1Path;
        return this.write(bytes);
      }
      if (!/database not found/.test((e as SinkError).body ?? '')) throw e;
      await this.#send(`/query?${new URLSearchParams({ q: `CREATE DATABASE "${this.#bucket.replace(/["\\]/g, (c) => `\\${c}`)}"` })}`, new Uint8Array(), false);
      await this.#send(this.#path, body, gzipped);
    }
  }

  /** The write endpoint in use: `/api/v2/write`, or InfluxDB 1.x's `/write` after a 404. */
  get path(): string {
    return this.#path.replace(/\?.*/, '');
  }

  #send(path: string, body: Uint8Array, gzipped: boolean): Promise<void> {
    const abort = new AbortController();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', ...(gzipped ? { 'content-encoding': 'gzip' } : {}) };
      // a string to the type; bytes at run time (see the class comment)
      this.#transport.send(path, body as unknown as string, { method: 'POST', headers, signal: abort.signal }, {
        next: () => {},
        complete: () => resolve(),
        error: (e: Error) => {
          if (e instanceof RequestTimedOutError) {
            abort.abort(); // the client reports the timeout but leaves the request open: free the connection
            reject(new Error(`no answer from ${this.#origin} within ${this.#timeoutMs} ms`));
          } else if (e instanceof HttpError) {
            const err: SinkError = new Error(`HTTP ${e.statusCode} from ${this.#origin}${path.replace(/\?.*/, '')}${e.body ? `: ${e.body.trim().slice(0, 1000)}` : ''}`);
            err.status = e.statusCode;
            err.body = e.body;
            reject(err);
          }
          else reject(e);
        },
      });
    });
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.#agent.destroy();
  }
}

/** A rejected write: the server's status and body when it answered. */
type SinkError = Error & { status?: number; body?: string };

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
