import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import type { HttpClient, HttpRequestSpec, HttpResponseData, HttpTimings } from '../types';
import { failedResponseData, K6ErrorCode, K6RequestError, k6ErrorFor } from './errors';
import { HttpParseError, ResponseParser } from './response-parser';
import { parseURLCached } from './url-cache';

/**
 * A minimal HTTP/1.1 client over `net.Socket` / `tls`, one per VU, measuring k6's timings the way
 * k6's httptrace Tracer does (k6 v0.48 `lib/netext/httpext/tracer.go`):
 *
 *   getConn ──blocked──────────────────────────▶ gotConn ──sending──▶ wrote ──waiting──▶ 1st byte ──receiving──▶ done
 *              └ connectStart ─connecting─▶ connectDone ─tls_handshaking─▶ tlsDone ┘
 *
 * blocked spans DNS + connect + TLS (for a reused connection it is ~0 and connecting is 0);
 * duration = sending + waiting + receiving. Connections are kept alive and reused per client
 * (k6 reuses connections per VU), no pipelining: a connection carries one request at a time and
 * parallel requests (http.batch) open more connections to the same host.
 *
 * `request()` never rejects for network trouble: it resolves with status 0 and k6's error text and
 * code. It rejects only when `spec.signal` aborts (hard stop), with the signal's reason.
 */
export interface Http1ClientOptions {
  /** Keep connections alive and reuse them (default true; false = k6 `noConnectionReuse`). */
  reuse?: boolean;
  /** `options.hosts`: hostname -> IP or IP:port. */
  hosts?: Record<string, string>;
  /** Skip TLS certificate verification (k6 `insecureSkipTLSVerify`). */
  insecureSkipTLSVerify?: boolean;
}

const now = () => performance.now();

/** One keep-alive connection; `exchange` is the request in flight on it (never more than one). */
class Connection {
  exchange: Exchange | null = null;
  closed = false;
  remoteIP = '';
  remotePort = 0;
  /** `local->remote` addresses for Go's wording of errors on this connection (read before a reset loses them). */
  readonly addrs: { local: string; remote: string };
  constructor(
    readonly key: string,
    readonly socket: net.Socket,
    /** The TCP socket under a TLS socket (for wire byte counts), else `socket`. */
    readonly raw: net.Socket,
    readonly tlsVersion: string,
    private readonly onGone: (c: Connection) => void,
  ) {
    this.addrs = { local: `${raw.localAddress}:${raw.localPort}`, remote: `${raw.remoteAddress}:${raw.remotePort}` };
    socket.on('data', (chunk: Buffer) => {
      const ex = this.exchange;
      if (ex) ex.onData(chunk);
      else this.destroy(); // unsolicited bytes on an idle connection: unusable
    });
    socket.on('end', () => {
      this.closed = true;
      const ex = this.exchange;
      if (ex) ex.onEnd();
      else this.destroy();
    });
    socket.on('error', (err: Error) => {
      this.closed = true;
      const ex = this.exchange;
      if (ex) ex.onError(err);
    });
    socket.on('close', () => {
      this.closed = true;
      const ex = this.exchange;
      if (ex) ex.onEnd();
      this.onGone(this);
    });
  }
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/** Bookkeeping of one request on one connection. Resolved exactly once. */
class Exchange {
  firstByte = 0;
  bytesIn = 0;
  finished = false;
  readonly parser: ResponseParser;
  constructor(
    readonly conn: Connection,
    head: boolean,
    readonly done: (err: unknown) => void,
  ) {
    this.parser = new ResponseParser(head);
  }
  onData(chunk: Buffer): void {
    if (this.finished) return;
    if (this.firstByte === 0) this.firstByte = now();
    this.bytesIn += chunk.length;
    let complete: boolean;
    try {
      complete = this.parser.feed(chunk);
    } catch (err) {
      this.finish(new K6RequestError(K6ErrorCode.Default, (err as Error).message, err));
      return;
    }
    if (complete) this.finish(null);
  }
  onEnd(): void {
    if (this.finished) return;
    if (this.parser.end()) this.finish(null);
    else this.finish(new K6RequestError(K6ErrorCode.Default, this.bytesIn === 0 ? 'EOF' : 'unexpected EOF'));
  }
  onError(err: unknown): void {
    if (!this.finished) this.finish(k6ErrorFor(err, this.firstByte === 0 && this.bytesIn === 0 ? 'write' : 'read', this.conn.addrs));
  }
  finish(err: unknown): void {
    this.finished = true;
    this.done(err);
  }
}

interface Marks {
  start: number;
  connectStart: number;
  connectDone: number;
  tlsStart: number;
  tlsDone: number;
  gotConn: number;
  wrote: number;
  firstByte: number;
}

function timingsOf(m: Marks, end: number): HttpTimings {
  const t: HttpTimings = { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };
  if (m.gotConn && m.gotConn > m.start) t.blocked = m.gotConn - m.start;
  if (m.connectStart && m.connectDone) t.connecting = m.connectDone - m.connectStart;
  if (m.tlsStart && m.tlsDone) t.tls_handshaking = m.tlsDone - m.tlsStart;
  if (m.wrote) {
    t.sending = m.wrote - (m.tlsDone || m.connectDone || m.gotConn);
    if (m.firstByte) {
      if (m.firstByte > m.wrote) t.waiting = m.firstByte - m.wrote;
    } else t.waiting = end - m.wrote;
  }
  if (m.firstByte) t.receiving = end - m.firstByte;
  t.duration = t.sending + t.waiting + t.receiving;
  return t;
}

/**
 * One abort listener per signal, shared by all requests of a client that wait on it (http.batch
 * runs many at once; one listener each would trip Node's EventTarget leak warning). The listener
 * stays attached while the signal is in use (adding one per request is measurable CPU); it is
 * detached when another signal shows up (a new iteration) or the client closes.
 */
class AbortFanout {
  private readonly bySignal = new Map<AbortSignal, { set: Set<Deadline>; listener: () => void }>();
  add(d: Deadline): void {
    let e = this.bySignal.get(d.signal);
    if (!e) {
      this.prune();
      const set = new Set<Deadline>();
      const listener = () => {
        for (const x of [...set]) x.abort();
      };
      e = { set, listener };
      this.bySignal.set(d.signal, e);
      d.signal.addEventListener('abort', listener, { once: true });
    }
    e.set.add(d);
  }
  delete(d: Deadline): void {
    this.bySignal.get(d.signal)?.set.delete(d);
  }
  /** Detaches from signals no request waits on. */
  prune(): void {
    for (const [signal, e] of this.bySignal)
      if (e.set.size === 0) {
        signal.removeEventListener('abort', e.listener);
        this.bySignal.delete(signal);
      }
  }
}

class Deadline {
  expired = false;
  aborted = false;
  private timer: NodeJS.Timeout | undefined;
  onFire: (() => void) | null = null;
  constructor(
    ms: number,
    readonly signal: AbortSignal,
    private readonly fanout: AbortFanout,
  ) {
    if (ms > 0 && Number.isFinite(ms)) {
      this.timer = setTimeout(() => {
        this.expired = true;
        this.onFire?.();
      }, ms);
    }
    if (signal.aborted) this.aborted = true;
    else fanout.add(this);
  }
  abort(): void {
    this.aborted = true;
    this.onFire?.();
  }
  get fired(): boolean {
    return this.expired || this.aborted;
  }
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.fanout.delete(this);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('request aborted'), { name: 'AbortError' });
}

const DECODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gunzipSync(b),
  'x-gzip': (b) => zlib.gunzipSync(b),
  deflate: (b) => zlib.inflateSync(b),
  br: (b) => zlib.brotliDecompressSync(b),
};

export class Http1Client implements HttpClient {
  private readonly idle = new Map<string, Connection[]>();
  private readonly all = new Set<Connection>();
  private readonly fanout = new AbortFanout();
  private readonly reuse: boolean;
  private closedForever = false;

  constructor(private readonly opts: Http1ClientOptions = {}) {
    this.reuse = opts.reuse ?? true;
  }

  /** Closes idle keep-alive connections (k6 `noVUConnectionReuse` calls this between iterations). */
  closeIdle(): void {
    for (const list of this.idle.values()) for (const c of list) c.destroy();
    this.idle.clear();
  }

  async close(): Promise<void> {
    this.closedForever = true;
    this.fanout.prune();
    this.closeIdle();
    for (const c of this.all) c.destroy();
    this.all.clear();
  }

  async request(spec: HttpRequestSpec): Promise<HttpResponseData> {
    const start = now();
    let url: URL;
    try {
      url = parseURLCached(spec.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol scheme "${url.protocol.slice(0, -1)}"`);
    } catch (err) {
      return failed(spec.url, new K6RequestError(K6ErrorCode.InvalidURL, `invalid URL: ${(err as Error).message}`), emptyMarks(start), now());
    }
    if (spec.signal.aborted) throw abortReason(spec.signal);
    const deadline = new Deadline(spec.timeoutMs, spec.signal, this.fanout);
    try {
      let attempt = 0;
      for (;;) {
        const marks = emptyMarks(start);
        const res = await this.attempt(url, spec, deadline, marks, attempt > 0);
        if (res !== RETRY) return res;
        attempt++;
      }
    } finally {
      deadline.clear();
    }
  }

  private async attempt(url: URL, spec: HttpRequestSpec, deadline: Deadline, m: Marks, fresh: boolean): Promise<HttpResponseData | typeof RETRY> {
    const https = url.protocol === 'https:';
    const port = url.port ? Number(url.port) : https ? 443 : 80;
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const key = `${url.protocol}//${hostname}:${port}`;
    let conn: Connection | undefined;
    let reused = false;
    if (this.reuse && !fresh) {
      const list = this.idle.get(key);
      while (list && list.length > 0) {
        const c = list.pop()!;
        if (!c.closed && !c.socket.destroyed) {
          conn = c;
          reused = true;
          break;
        }
      }
    }
    if (!conn) {
      try {
        conn = await this.dial(key, hostname, port, https, deadline, m);
      } catch (err) {
        if (deadline.aborted) throw abortReason(deadline.signal);
        const end = now();
        const e = deadline.expired ? new K6RequestError(K6ErrorCode.TCPDialTimeout, 'dial: i/o timeout') : k6ErrorFor(err, m.tlsStart ? 'tls' : 'dial');
        return failed(url.href, e, m, end);
      }
    }
    m.gotConn = now();
    if (reused) {
      // k6's tracer: for a reused connection connectStart = connectDone = gotConn
      m.connectStart = m.connectDone = m.gotConn;
      if (conn.tlsVersion) m.tlsStart = m.tlsDone = m.gotConn;
    }

    const c = conn;
    const isTLS = c.tlsVersion !== '';
    const rawIn0 = isTLS ? c.raw.bytesRead : 0;
    const rawOut0 = isTLS ? c.raw.bytesWritten : 0;
    let settle!: (err: unknown) => void;
    const finished = new Promise<unknown>((resolve) => (settle = resolve));
    const ex = new Exchange(c, spec.method === 'HEAD', settle);
    c.exchange = ex;
    deadline.onFire = () => ex.finish(deadline.aborted ? ABORTED : TIMEOUT);

    // Serialize and write the request in one go.
    const { head, body } = serialize(url, spec, this.reuse);
    let bytesOut: number;
    try {
      if (body === undefined || body.length === 0) {
        c.socket.write(head, 'utf8');
        bytesOut = Buffer.byteLength(head);
      } else if (typeof body === 'string') {
        const all = head + body;
        c.socket.write(all, 'utf8');
        bytesOut = Buffer.byteLength(all);
      } else {
        c.socket.cork();
        c.socket.write(head, 'utf8');
        c.socket.write(body);
        c.socket.uncork();
        bytesOut = Buffer.byteLength(head) + body.length;
      }
    } catch (err) {
      ex.finish(k6ErrorFor(err, 'write'));
      bytesOut = 0;
    }
    m.wrote = now();
    if (deadline.fired && !ex.finished) ex.finish(deadline.aborted ? ABORTED : TIMEOUT);

    const err = await finished;
    deadline.onFire = null;
    c.exchange = null;
    const end = now();
    m.firstByte = ex.firstByte;
    if (err === ABORTED) {
      c.destroy();
      throw abortReason(deadline.signal);
    }
    // Wire bytes; over TLS from the TCP socket, and a new connection's handshake counts too.
    const bytesSent = isTLS ? c.raw.bytesWritten - (reused ? rawOut0 : 0) : bytesOut;
    const bytesReceived = isTLS ? c.raw.bytesRead - (reused ? rawIn0 : 0) : ex.bytesIn;
    if (err !== null) {
      c.destroy();
      // A kept-alive connection the server closed meanwhile: retry once on a fresh one (as Go does).
      if (reused && ex.bytesIn === 0 && err !== TIMEOUT) return RETRY;
      const e = err === TIMEOUT ? new K6RequestError(K6ErrorCode.RequestTimeout, 'request timeout') : (err as K6RequestError);
      const r = failed(url.href, e, m, end);
      r.remoteIP = c.remoteIP;
      r.remotePort = c.remotePort;
      r.bytesSent = bytesSent;
      r.bytesReceived = bytesReceived;
      return r;
    }
    const parsed = ex.parser.result();
    if (!this.reuse || parsed.close || c.closed || ex.parser.leftover.length > 0 || this.closedForever) c.destroy();
    else {
      let list = this.idle.get(key);
      if (!list) this.idle.set(key, (list = []));
      list.push(c);
    }
    let body2 = parsed.body;
    let error: string | undefined;
    let errorCode: number | undefined;
    const enc = parsed.headers['Content-Encoding'];
    if (enc && body2.length > 0) {
      try {
        for (const e of enc.split(',').reverse()) {
          const dec = DECODERS[e.trim().toLowerCase()];
          if (dec) body2 = dec(body2);
        }
      } catch (e) {
        error = `error decompressing response body: ${(e as Error).message}`;
        errorCode = K6ErrorCode.ResponseDecompression;
      }
    }
    return {
      url: url.href,
      status: parsed.status,
      statusText: parsed.statusText,
      proto: parsed.proto,
      headers: parsed.headers,
      setCookies: parsed.setCookies,
      body: body2,
      timings: timingsOf(m, end),
      remoteIP: c.remoteIP,
      remotePort: c.remotePort,
      bytesSent,
      bytesReceived,
      error,
      errorCode,
      tlsVersion: c.tlsVersion || undefined,
    };
  }

  private dial(key: string, hostname: string, port: number, https: boolean, deadline: Deadline, m: Marks): Promise<Connection> {
    return new Promise<Connection>((resolve, reject) => {
      if (deadline.fired) return reject(deadline.aborted ? ABORTED : TIMEOUT);
      let host = hostname;
      const mapped = this.opts.hosts?.[hostname];
      if (mapped) {
        const i = mapped.lastIndexOf(':');
        if (i > 0 && !mapped.endsWith(']') && net.isIP(mapped) === 0) {
          host = mapped.slice(0, i);
          port = Number(mapped.slice(i + 1));
        } else host = mapped.replace(/^\[|\]$/g, '');
      }
      const isIP = net.isIP(host) !== 0;
      if (isIP) m.connectStart = now();
      const raw = net.connect({ host, port, noDelay: true });
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        deadline.onFire = null;
        raw.destroy();
        reject(err);
      };
      deadline.onFire = () => fail(deadline.aborted ? ABORTED : TIMEOUT);
      raw.once('lookup', (err) => {
        if (!err) m.connectStart = now();
      });
      raw.once('error', fail);
      raw.once('connect', () => {
        m.connectDone = now();
        if (!https) {
          settled = true;
          deadline.onFire = null;
          raw.removeListener('error', fail);
          const c = new Connection(key, raw, raw, '', (x) => this.gone(x));
          c.remoteIP = raw.remoteAddress ?? '';
          c.remotePort = raw.remotePort ?? 0;
          this.all.add(c);
          resolve(c);
          return;
        }
        m.tlsStart = now();
        raw.on('error', () => {}); // surfaced through the TLS socket
        const servername = net.isIP(hostname) ? undefined : hostname;
        const sock = tls.connect({ socket: raw, servername, rejectUnauthorized: !this.opts.insecureSkipTLSVerify, ALPNProtocols: ['http/1.1'] });
        sock.once('error', fail);
        sock.once('secureConnect', () => {
          m.tlsDone = now();
          settled = true;
          deadline.onFire = null;
          raw.removeListener('error', fail);
          sock.removeListener('error', fail);
          const c = new Connection(key, sock, raw, tlsVersionName(sock.getProtocol()), (x) => this.gone(x));
          c.remoteIP = raw.remoteAddress ?? '';
          c.remotePort = raw.remotePort ?? 0;
          this.all.add(c);
          resolve(c);
        });
      });
    });
  }

  private gone(c: Connection): void {
    this.all.delete(c);
    const list = this.idle.get(c.key);
    if (list) {
      const i = list.indexOf(c);
      if (i >= 0) list.splice(i, 1);
    }
  }
}

const RETRY = Symbol('retry');
const TIMEOUT = Symbol('timeout');
const ABORTED = Symbol('aborted');

function emptyMarks(start: number): Marks {
  return { start, connectStart: 0, connectDone: 0, tlsStart: 0, tlsDone: 0, gotConn: 0, wrote: 0, firstByte: 0 };
}

function failed(url: string, e: K6RequestError, m: Marks, end: number): HttpResponseData {
  return failedResponseData(url, e, timingsOf(m, end));
}

/** k6 names: "tls1.2", "tls1.3". */
function tlsVersionName(p: string | null): string {
  switch (p) {
    case 'TLSv1.3':
      return 'tls1.3';
    case 'TLSv1.2':
      return 'tls1.2';
    case 'TLSv1.1':
      return 'tls1.1';
    case 'TLSv1':
      return 'tls1.0';
    default:
      return p ?? 'tls';
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function serialize(url: URL, spec: HttpRequestSpec, reuse: boolean): { head: string; body: Buffer | string | undefined } {
  const path = (url.pathname || '/') + (spec.rawQuery ?? url.search);
  let head = '';
  let hasHost = false;
  let hasLength = false;
  let hasTE = false;
  let hasConnection = false;
  let hasAuth = false;
  for (const name in spec.headers) {
    const v = spec.headers[name];
    const lower = name.toLowerCase();
    if (lower === 'host') hasHost = true;
    else if (lower === 'content-length') hasLength = true;
    else if (lower === 'transfer-encoding') hasTE = true;
    else if (lower === 'connection') hasConnection = true;
    else if (lower === 'authorization') hasAuth = true;
    if (typeof v === 'string') head += `${name}: ${v}\r\n`;
    else for (const x of v) head += `${name}: ${x}\r\n`;
  }
  head = hasHost ? `${spec.method} ${path} HTTP/1.1\r\n${head}` : `${spec.method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${head}`;
  const body = spec.body;
  const len = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (!hasLength && !hasTE && (len > 0 || BODY_METHODS.has(spec.method))) head += `Content-Length: ${len}\r\n`;
  if (!hasAuth && (url.username || url.password)) {
    const cred = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    head += `Authorization: Basic ${Buffer.from(cred).toString('base64')}\r\n`;
  }
  if (!reuse && !hasConnection) head += 'Connection: close\r\n';
  head += '\r\n';
  return { head, body };
}

export { HttpParseError };
