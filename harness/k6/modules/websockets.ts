/**
 * `k6/experimental/websockets` (k6 v0.48, xk6-websockets) on the `ws` library: the browser-like
 * `WebSocket` class whose events run on the run's event loop (runtime/event-loop.ts), so the
 * iteration lasts until every socket is closed, and handlers wait while the script blocks.
 *
 * What real k6 v0.48 does, matched: readyState 0→1→2 (after `close()`)→3; `binaryType` reads
 * "ArrayBuffer"; `onX` runs before `addEventListener` listeners; the event objects are
 * `{type, target, timestamp[, data, origin | error]}` (a close event carries no code nor reason);
 * `send` after `close()` throws InvalidStateError; `ping()` and `close()` count in ws_msgs_sent; a failed dial
 * fires `error` (k6's dial text) and `close`, with ws_sessions and ws_connecting but no
 * ws_session_duration; a server close other than 1000/1001 fires `error` (gorilla's text) first.
 */
import { Blob } from 'node:buffer';
import type WebSocketLib from 'ws';
import type { ModuleFactory, Tags, VUState } from '../types';
import type { EventLoop } from '../runtime/event-loop';
import { internalState, now } from '../runtime/vu-state';
import { GoError } from './go-error';
import { toTags } from './k6';
import { closeErrorText, dialErrorText, wsLib } from './ws';

type Fn = (...a: unknown[]) => unknown;


const EVENTS = ['open', 'message', 'error', 'close', 'ping', 'pong'] as const;

export const websocketsModule: ModuleFactory = (vu: VUState) => {
  const st = internalState(vu);

  class WebSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly url: string;
    readyState = 0;
    readonly bufferedAmount = 0;
    binaryType = 'ArrayBuffer';
    readonly protocol: undefined = undefined;
    onopen: Fn | null = null;
    onmessage: Fn | null = null;
    onerror: Fn | null = null;
    onclose: Fn | null = null;
    onping: Fn | null = null;
    onpong: Fn | null = null;
    readonly #listeners = new Map<string, Fn[]>();
    readonly #sock: WebSocketLib;
    readonly #loop: EventLoop;
    readonly #emit: (metric: string, value: number) => void;
    #pings: number[] = [];
    #chain: Promise<void> = Promise.resolve();
    #closing = false;

    constructor(url: unknown, protocols?: unknown, params?: unknown) {
      const run = st.run;
      if (run === null) throw new Error('using websockets in the init context is not supported');
      const loop = (this.#loop = run.eventLoop(vu.options.logger));
      this.url = String(url);
      const p = (params ?? {}) as Record<string, unknown>;
      const headers: Record<string, string> = {};
      if (p.headers && typeof p.headers === 'object') for (const [k, v] of Object.entries(p.headers)) headers[k] = String(v);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['User-Agent'] = vu.options.userAgent;
      const userTags: Tags = p.tags && typeof p.tags === 'object' ? toTags(p.tags) : {};
      let tags: Tags = { ...userTags, url: this.url };
      this.#emit = (m, v) => st.emit(m, v, tags);
      const start = now();
      const subprotocols = Array.isArray(protocols) ? protocols.map(String) : typeof protocols === 'string' ? [protocols] : undefined;
      const sock = (this.#sock = new (wsLib())(this.url, subprotocols, { headers, perMessageDeflate: false, followRedirects: false }));
      const key = {};
      loop.add(key, null, () => sock.terminate());
      let opened = false;
      let dialError: string | null = null;

      sock.once('open', () => {
        opened = true;
        tags = { ...userTags, url: this.url, status: '101', subproto: sock.protocol ?? '' };
        st.emit('ws_sessions', 1, tags, start);
        st.emit('ws_connecting', now() - start, tags, start);
        this.#dispatch('open', () => {
          this.readyState = 1;
          return {};
        });
      });
      sock.on('unexpected-response', (_req, res) => {
        res.resume();
        dialError = `websocket: bad handshake`;
        sock.terminate();
      });
      sock.on('error', (err: NodeJS.ErrnoException) => {
        if (opened || dialError !== null) return;
        let port = '';
        let host = '';
        try {
          const u = new URL(this.url);
          host = u.hostname;
          port = u.port || (u.protocol === 'wss:' ? '443' : '80');
        } catch {
          /* Node's message */
        }
        dialError = dialErrorText(err, host, port);
      });
      sock.on('message', (data: WebSocketLib.RawData, isBinary: boolean) => {
        this.#emit('ws_msgs_received', 1);
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        const payload = isBinary ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) : buf.toString('utf8');
        this.#dispatch('message', () => ({ data: payload, origin: this.url }));
      });
      sock.on('ping', () => this.#dispatch('ping', () => ({})));
      sock.on('pong', () => {
        const sent = this.#pings.shift();
        if (sent !== undefined) this.#emit('ws_ping', now() - sent);
        this.#dispatch('pong', () => ({}));
      });
      sock.on('close', (code: number, reason: Buffer) => {
        if (!opened) {
          st.emit('ws_sessions', 1, tags, start);
          st.emit('ws_connecting', now() - start, tags, start);
          const error = dialError ?? 'websocket: connection failed';
          this.#dispatch('error', () => {
            this.readyState = 3;
            return { error };
          });
        } else {
          // k6 v0.48 counts the script's close frame as a sent message once the close completes
          // (not when the iteration has already ended, e.g. by an exception)
          if (this.#closing && !loop.stopped) this.#emit('ws_msgs_sent', 1);
          if (!this.#closing && code !== 1000 && code !== 1001) {
            const text = closeErrorText(code, code === 1006 ? 'unexpected EOF' : reason.toString('utf8'));
            this.#dispatch('error', () => ({ error: text }));
          }
          const raw = (sock as unknown as { _socket?: { bytesWritten?: number; bytesRead?: number } })._socket;
          st.addBytes(raw?.bytesWritten ?? 0, raw?.bytesRead ?? 0);
          st.emit('ws_session_duration', now() - start, tags, start);
        }
        this.#dispatch('close', () => {
          this.readyState = 3;
          return {};
        });
        // The socket stops keeping the iteration alive once its close handlers have run.
        loop.enqueue(() => this.#chain.then(() => loop.done(key)));
      });
    }

    /** Queues `type` on the event loop: `fields()` runs at dispatch time (state changes, payload). */
    #dispatch(type: string, fields: () => Record<string, unknown>): void {
      this.#loop.enqueue(() => {
        // One event's handlers finish before the socket's next event starts (async handlers too).
        const p = this.#chain.then(async () => {
          const event = { type, target: this, timestamp: Date.now(), ...fields() };
          const on = (this as unknown as Record<string, unknown>)['on' + type];
          if (typeof on === 'function') await on.call(this, event);
          for (const l of this.#listeners.get(type) ?? []) await l.call(this, event);
        });
        this.#chain = p.catch(() => {});
        return p;
      });
    }

    addEventListener(type: unknown, listener: unknown): void {
      const t = String(type);
      if (!(EVENTS as readonly string[]).includes(t)) throw new Error(`unknown event type: ${t}`);
      if (typeof listener !== 'function') return;
      const ls = this.#listeners.get(t) ?? [];
      ls.push(listener as Fn);
      this.#listeners.set(t, ls);
    }

    send(data: unknown): void {
      if (this.readyState !== 1) throw new GoError('InvalidStateError');
      this.#emit('ws_msgs_sent', 1);
      if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]') this.#sock.send(Buffer.from(data as ArrayBuffer), { binary: true });
      else if (ArrayBuffer.isView(data)) this.#sock.send(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { binary: true });
      else if (data instanceof Blob) void data.arrayBuffer().then((b) => this.#sock.send(Buffer.from(b), { binary: true }));
      else this.#sock.send(String(data));
    }

    ping(): void {
      if (this.readyState !== 1) throw new GoError('InvalidStateError');
      this.#emit('ws_msgs_sent', 1);
      this.#pings.push(now());
      this.#sock.ping();
    }

    close(code?: unknown, reason?: unknown): void {
      if (this.readyState >= 2) return;
      this.#closing = true;
      this.readyState = 2;
      const c = code === undefined || code === null ? 1000 : Number(code);
      try {
        this.#sock.close(c, reason === undefined || reason === null ? undefined : String(reason));
      } catch {
        this.#sock.terminate();
      }
    }
  }

  // Blob (k6 v0.52+): Node's, which the WHATWG File API specifies as k6's does; send() takes one.
  const exports = { WebSocket, Blob };
  return { ...exports, default: exports };
};
