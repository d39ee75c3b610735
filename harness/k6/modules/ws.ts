/**
 * `k6/ws` on the `ws` library: the blocking `ws.connect(url, params, fn)` of k6 v0.48.
 *
 * `connect` resolves (the transform awaits it) once the socket is closed: `fn(socket)` registers
 * handlers, then `open`, messages, pings, socket timers and `close` run one after another (an
 * async handler, e.g. one that sleeps, holds the next event). What real k6 v0.48 does, matched:
 * - `close()` without a code sends 1001 (going away); the `close` handler gets the code.
 * - A close by the server with a code other than 1000/1001 also fires `error` with gorilla's text
 *   (`websocket: close 1006 (abnormal closure): unexpected EOF`).
 * - Every `send`/`sendBinary` counts in ws_msgs_sent, even after `close()`; pings do not.
 * - A failed dial does not throw: the response has status 0 and `error` (k6's dial text); a
 *   non-101 answer gives its status and an empty `error`.
 * - An exception in a handler closes the socket (1001, `close` fires) and fails the iteration.
 * Metrics (tags: url, status, subproto, group, scenario + params.tags): ws_sessions and
 * ws_connecting at the handshake, ws_msgs_sent/received per message, ws_ping per pong,
 * ws_session_duration at the end (all timed at the session start, as k6 does).
 */
import type WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import type { ModuleFactory, Tags, VUState } from '../types';
import { internalState, now } from '../runtime/vu-state';
import { CookieJar, K6Http, parseSetCookie } from '../http';
import { toTags } from './k6';
import { lazyRequire } from './lazy-require';

export const wsLib = lazyRequire<typeof WebSocket>('ws');
const OPEN = 1;

type Fn = (...a: unknown[]) => unknown;

const CLOSE_NAMES: Record<number, string> = {
  1000: 'normal', 1001: 'going away', 1002: 'protocol error', 1003: 'unsupported data', 1005: 'no status',
  1006: 'abnormal closure', 1007: 'invalid payload data', 1008: 'policy violation', 1009: 'message too big',
  1010: 'mandatory extension missing', 1011: 'internal server error', 1012: 'service restart', 1013: 'try again later', 1015: 'TLS handshake error',
};

/** gorilla/websocket's CloseError text, which k6 hands to `error` handlers. */
export function closeErrorText(code: number, reason: string): string {
  const name = CLOSE_NAMES[code];
  return `websocket: close ${code}${name ? ` (${name})` : ''}${reason ? `: ${reason}` : ''}`;
}

/** k6's (Go's) dial error text for a Node socket error. */
export function dialErrorText(err: NodeJS.ErrnoException, host: string, port: string): string {
  const addr = `${host}:${port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ECONNRESET':
      return `read tcp ${addr}: read: connection reset by peer`;
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${host}: no such host`;
    default:
      return err.message;
  }
}

/** Go's canonical header key (`sec-websocket-accept` → `Sec-Websocket-Accept`). */
const canonical = (k: string) => k.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join('-');

function headersOf(res: IncomingMessage | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!res) return out;
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[canonical(k)] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export interface WSResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  error: string;
}

export const wsModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);

  async function connect(urlArg: unknown, paramsArg?: unknown, fnArg?: unknown): Promise<WSResponse> {
    if (vu.inInit) throw new Error('using websockets in the init context is not supported');
    const [params, fn] = typeof paramsArg === 'function' ? [undefined, paramsArg as Fn] : [paramsArg as Record<string, unknown> | null | undefined, fnArg as Fn];
    if (typeof fn !== 'function') throw new Error('last argument to ws.connect must be a function');
    const url = String(urlArg);
    const headers: Record<string, string> = {};
    const ph = params?.headers as Record<string, unknown> | undefined;
    if (ph && typeof ph === 'object') for (const [k, v] of Object.entries(ph)) headers[k] = String(v);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['User-Agent'] = vu.options.userAgent;
    const userTags: Tags = params?.tags && typeof params.tags === 'object' ? toTags(params.tags) : {};
    // k6: `compression: 'deflate'` offers permessage-deflate without context takeover (gorilla's only mode)
    const algo = params?.compression === undefined || params.compression === null ? '' : String(params.compression).trim();
    if (algo !== '' && algo !== 'deflate') throw new Error(`unsupported compression algorithm '${algo}', supported algorithm is 'deflate'`);
    // k6 dials with the VU's cookie jar unless params.jar names another: its cookies go with the
    // handshake and the handshake's Set-Cookie lands in it
    const jar = params?.jar instanceof CookieJar ? params.jar : K6Http.of(vu).jar;
    let jarURL: URL | undefined;
    try {
      jarURL = new URL(url.replace(/^ws/i, 'http'));
    } catch {
      jarURL = undefined;
    }
    // (a Cookie header of the params replaces the jar's cookies, as in gorilla's dialer)
    if (jarURL && jar.size > 0 && !Object.keys(headers).some((h) => h.toLowerCase() === 'cookie')) {
      const pairs = jar.cookiesFor(jarURL).map((c) => `${c.name}=${c.value}`);
      if (pairs.length) headers.Cookie = pairs.join('; ');
    }
    const start = now();
    const baseTags: Tags = { ...userTags, url };

    const sock = new (wsLib())(url, {
      headers,
      perMessageDeflate: algo === 'deflate' ? { clientNoContextTakeover: true, serverNoContextTakeover: true } : false,
      followRedirects: false,
    });
    let tags: Tags = baseTags;
    // Listening from the start: a frame that came with the handshake is emitted right after 'open'.
    const session = new Session(sock, (m, v) => st.emit(m, v, tags));
    let upgradeRes: IncomingMessage | undefined;
    sock.once('upgrade', (r) => {
      upgradeRes = r;
      const set = r.headers['set-cookie'];
      if (jarURL && set) for (const line of set) {
        const c = parseSetCookie(line);
        if (c) jar.setFromResponse(jarURL, c);
      }
    });
    const outcome = await new Promise<{ ok: true } | { ok: false; status: number; error: string; res?: IncomingMessage }>((resolve) => {
      sock.once('open', () => {
        // Synchronously: a frame that came with the handshake is emitted right after 'open'.
        tags = { ...baseTags, status: '101', subproto: sock.protocol ?? '' };
        st.emit('ws_sessions', 1, tags, start);
        st.emit('ws_connecting', now() - start, tags, start);
        resolve({ ok: true });
      });
      sock.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve({ ok: false, status: res.statusCode ?? 0, error: '', res });
        sock.terminate();
      });
      sock.once('error', (err: NodeJS.ErrnoException) => {
        let host = '';
        let port = '';
        try {
          const u = new URL(url);
          host = u.hostname;
          port = u.port || (u.protocol === 'wss:' || u.protocol === 'https:' ? '443' : '80');
        } catch {
          /* the message stays Node's */
        }
        resolve({ ok: false, status: 0, error: dialErrorText(err, host, port) });
      });
    });
    const connectedAt = now();

    if (!outcome.ok) {
      sock.removeAllListeners();
      sock.on('error', () => {});
      const tags = outcome.status ? { ...baseTags, status: String(outcome.status), subproto: '' } : baseTags;
      st.emit('ws_sessions', 1, tags, start);
      st.emit('ws_connecting', connectedAt - start, tags, start);
      st.emit('ws_session_duration', now() - start, tags, start);
      return { url, status: outcome.status, headers: headersOf(outcome.res), body: '', error: outcome.error };
    }

    const onAbort = () => session.abort();
    const signal = st.signal;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await session.run(fn);
    } finally {
      signal.removeEventListener('abort', onAbort);
      const raw = (sock as unknown as { _socket?: { bytesWritten?: number; bytesRead?: number } })._socket;
      st.addBytes(raw?.bytesWritten ?? 0, raw?.bytesRead ?? 0);
      st.emit('ws_session_duration', now() - start, tags, start);
    }
    return { url, status: 101, headers: headersOf(upgradeRes), body: '', error: '' };
  }

  const exports = { connect };
  return { ...exports, default: exports };
};

/** One open socket: the script's `socket` object and the serial dispatch of its events. */
class Session {
  private readonly handlers = new Map<string, Fn[]>();
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  private closed = false;
  private closing: number | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private pingSentAt: number[] = [];
  private done!: () => void;
  private readonly finished = new Promise<void>((r) => (this.done = r));

  /** Events that came before `run()` (dispatched after the callback and `open`). */
  private early: Array<() => void> | null = [];

  constructor(
    private readonly sock: WebSocket,
    private readonly emit: (metric: string, value: number) => void,
  ) {
    this.listen();
  }

  /** Runs `fn` after every event already queued; an exception closes the session. */
  private dispatch(fn: () => unknown, evenAfterFailure = false): void {
    this.chain = this.chain.then(async () => {
      if (this.failure && !evenAfterFailure) return;
      try {
        await fn();
      } catch (error) {
        this.failure = { error };
        this.closeSocket(1001);
      }
    });
  }

  /** Handlers are looked up when the event's turn comes (`open` is queued before `fn` has run). */
  private fire(event: string, ...args: unknown[]): void {
    if (this.early) {
      this.early.push(() => this.fire(event, ...args));
      return;
    }
    this.dispatch(async () => {
      for (const h of this.handlers.get(event) ?? []) await h(...args);
    }, event === 'close');
  }

  private closeSocket(code: number): void {
    if (this.closing !== null || this.closed) return;
    this.closing = code;
    try {
      this.sock.close(code);
    } catch {
      this.sock.terminate();
    }
  }

  abort(): void {
    this.failure ??= { error: new Error('interrupted') };
    this.sock.terminate();
  }

  /** The object the script's callback gets. */
  private socketApi(): Record<string, unknown> {
    return {
      on: (event: unknown, handler: unknown) => {
        if (typeof handler !== 'function') return;
        const e = String(event);
        const hs = this.handlers.get(e) ?? [];
        hs.push(handler as Fn);
        this.handlers.set(e, hs);
      },
      send: (data: unknown) => {
        this.emit('ws_msgs_sent', 1);
        if (this.sock.readyState === OPEN) this.sock.send(String(data));
      },
      sendBinary: (data: unknown) => {
        if (!(data instanceof ArrayBuffer) && Object.prototype.toString.call(data) !== '[object ArrayBuffer]')
          throw new Error('expected ArrayBuffer as argument, received: ' + typeof data);
        this.emit('ws_msgs_sent', 1);
        if (this.sock.readyState === OPEN) this.sock.send(Buffer.from(data as ArrayBuffer), { binary: true });
      },
      ping: () => {
        if (this.sock.readyState !== OPEN) return;
        this.pingSentAt.push(now());
        this.sock.ping();
      },
      close: (code?: unknown) => this.closeSocket(code === undefined || code === null ? 1001 : Number(code)),
      setTimeout: (fn: unknown, ms: unknown) => {
        if (typeof fn !== 'function') throw new Error('setTimeout requires a callable function as first argument');
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.dispatch(() => (fn as Fn)());
        }, Math.max(0, Number(ms) || 0));
        this.timers.add(t);
      },
      setInterval: (fn: unknown, ms: unknown) => {
        if (typeof fn !== 'function') throw new Error('setInterval requires a callable function as first argument');
        const interval = Number(ms);
        if (!(interval > 0)) throw new Error('setInterval requires a >0 timeout parameter, received ' + String(ms));
        const t = setInterval(() => this.dispatch(() => (fn as Fn)()), interval);
        this.timers.add(t);
      },
    };
  }

  private listen(): void {
    const s = this.sock;
    s.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      // k6 v0.48 stops reading once the script called close(): later frames are neither counted nor handled
      if (this.closing !== null) return;
      this.emit('ws_msgs_received', 1);
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (isBinary) this.fire('binaryMessage', buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      else this.fire('message', buf.toString('utf8'));
    });
    s.on('ping', () => this.fire('ping'));
    s.on('pong', () => {
      const sent = this.pingSentAt.shift();
      if (sent !== undefined) this.emit('ws_ping', now() - sent);
      this.fire('pong');
    });
    s.on('error', () => {
      /* reported through 'close' (1006), as gorilla does */
    });
    s.on('close', (code: number, reasonBuf: Buffer) => {
      this.closed = true;
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      const clientCode = this.closing;
      if (clientCode === null && code !== 1000 && code !== 1001) {
        const reason = code === 1006 ? 'unexpected EOF' : reasonBuf.toString('utf8');
        this.fire('error', { error: () => closeErrorText(code, reason) });
      }
      this.fire('close', clientCode ?? code);
      if (this.early) this.early.push(() => this.chain.then(() => this.done()));
      else this.chain.then(() => this.done());
    });
  }

  async run(fn: Fn): Promise<void> {
    const early = this.early ?? [];
    this.early = null;
    this.dispatch(() => fn(this.socketApi()));
    this.fire('open');
    for (const e of early) e();
    await this.finished;
    if (this.failure) throw this.failure.error;
  }
}
