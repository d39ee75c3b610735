/**
 * Test helpers for the k6 HTTP client and module: a real node:http server on 127.0.0.1 with the
 * routes the tests need, and a minimal VUState stub that records samples (no runtime needed).
 */
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { IterationContext, Logger, RuntimeOptions, Sample, Tags, VUState } from '../types';

export interface TestServer {
  url: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests currently being handled (for batch parallelism). */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * Routes: /echo (method, url, headers, body as JSON), /status/<code>, /redirect/<n> (-> /echo),
 * /to?status=&url=, /set-cookie?name=value, /slow?ms=, /chunked, /close, /gzip, /nolength,
 * /json, /wait?ms= (tracks in-flight for batch).
 */
export async function startTestServer(): Promise<TestServer> {
  const state = { connections: 0, inFlight: 0, maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const p = u.pathname;
      const json = (code: number, obj: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(code, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(obj));
      };
      if (p === '/echo') return json(200, { method: req.method, url: req.url, headers: req.headers, body });
      if (p.startsWith('/status/')) {
        res.writeHead(Number(p.slice(8)));
        return res.end(req.method === 'HEAD' ? undefined : 'status body');
      }
      if (p.startsWith('/redirect/')) {
        const n = Number(p.slice(10));
        res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}` : '/echo' });
        return res.end();
      }
      if (p === '/to') {
        res.writeHead(Number(u.searchParams.get('status') ?? 302), { location: u.searchParams.get('url') ?? '/echo' });
        return res.end();
      }
      if (p === '/set-cookie') {
        const cookies = [...u.searchParams].map(([k, v]) => `${k}=${v}; Path=/`);
        res.writeHead(200, { 'set-cookie': cookies });
        return res.end('ok');
      }
      if (p === '/set-cookie-redirect') {
        res.writeHead(302, { 'set-cookie': 'session=abc; Path=/', location: '/echo' });
        return res.end();
      }
      if (p === '/slow') {
        const t = setTimeout(() => json(200, { slow: true }), Number(u.searchParams.get('ms') ?? 1000));
        res.on('close', () => clearTimeout(t));
        return;
      }
      if (p === '/wait') {
        state.inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
        setTimeout(() => {
          state.inFlight--;
          json(200, { waited: true });
        }, Number(u.searchParams.get('ms') ?? 50));
        return;
      }
      if (p === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' }); // no length: node uses chunked
        res.write('hello ');
        setTimeout(() => {
          res.write('chunked ');
          res.end('world');
        }, 5);
        return;
      }
      if (p === '/close') {
        res.writeHead(200, { connection: 'close', 'content-length': '6' });
        return res.end('closed');
      }
      if (p === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
        return res.end(zlib.gzipSync('compressed text'));
      }
      if (p === '/nolength') {
        // HTTP/1.0-style body delimited by connection close
        res.socket?.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
        return;
      }
      if (p === '/json') return json(200, { a: { b: [1, 2, { c: 'deep' }] }, n: 5 });
      json(404, { error: 'not found' });
    });
  });
  server.on('connection', () => state.connections++);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** k6's default system tags (k6 v0.48 `metrics.DefaultSystemTagSet`). */
export const DEFAULT_SYSTEM_TAGS = new Set([
  'proto',
  'subproto',
  'status',
  'method',
  'url',
  'name',
  'group',
  'check',
  'error',
  'error_code',
  'tls_version',
  'scenario',
  'service',
  'expected_response',
]);

export interface StubVU extends VUState {
  samples: Sample[];
  bytes: { sent: number; received: number };
  logs: { level: string; msg: string; fields?: Record<string, unknown> }[];
  inInit: boolean;
  iteration: IterationContext | null;
  abort(reason?: unknown): void;
}

/** A VUState good enough for k6/http: records samples, bytes and logs. */
export function stubVU(opts: Partial<RuntimeOptions> = {}, baseTags: Tags = { group: '', scenario: 'default' }): StubVU {
  const samples: Sample[] = [];
  const logs: StubVU['logs'] = [];
  const log =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      logs.push({ level, msg, fields });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const options: RuntimeOptions = {
    filename: 'test.js',
    cwd: process.cwd(),
    env: {},
    tags: {},
    systemTags: DEFAULT_SYSTEM_TAGS,
    userAgent: 'k6/0.48.0 (https://k6.io/)',
    logger,
    metrics: { getOrCreate: () => ({ name: '', type: 'counter', contains: 'default' }), get: () => undefined, all: () => [] },
    sink: { push: (s) => samples.push(s) },
    ...opts,
  };
  let ac = new AbortController();
  const vuTags: Tags = {};
  let lastExtra: Tags | undefined;
  let lastMerged: Tags = {};
  const vu: StubVU = {
    vuId: 1,
    options,
    inInit: false,
    iteration: null,
    lifecycle: null,
    groupPath: '',
    currentTags: () => Object.assign({}, baseTags, vuTags),
    vuTags,
    emit(metric, value, extraTags, time = performance.timeOrigin + performance.now()) {
      // k6/http emits 9 samples with the same extraTags object: merge once (what a runtime should do too).
      if (extraTags !== lastExtra || extraTags === undefined) {
        lastExtra = extraTags;
        lastMerged = Object.assign(vu.currentTags(), extraTags); // not a spread: V8's slow path (docs/engine.md)
      }
      options.sink.push({ metric, value, time, tags: lastMerged });
    },
    addBytes(sent, received) {
      vu.bytes.sent += sent;
      vu.bytes.received += received;
    },
    get signal() {
      return ac.signal;
    },
    random: Math.random,
    slots: new Map(),
    samples,
    bytes: { sent: 0, received: 0 },
    logs,
    abort(reason?: unknown) {
      ac.abort(reason);
      ac = new AbortController();
    },
  };
  return vu;
}
