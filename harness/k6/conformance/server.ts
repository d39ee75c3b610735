import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The conformance target: the reference recordings' srv.mjs (POST /telemetry -> 202, bad JSON ->
 * 400, GET /health, else 404) plus test routes (/echo, /slow, /status, /bytes, /raw, /redirect, /drop, /reset), on 127.0.0.1 and a free port. Counts
 * requests per `METHOD path` so tests can assert exact numbers server-side too.
 */
export interface ConformanceServer {
  url: string;
  counts: Map<string, number>;
  count(key: string): number;
  /** Resolves once `key` has been requested `n` times (polls; for triggering a signal mid-test). */
  waitFor(key: string, n: number): Promise<void>;
  close(): Promise<void>;
}

export interface ConformanceServerOptions {
  /** Default 0 (a free port). */
  port?: number;
  /**
   * Milliseconds to hold the response of `METHOD path` before answering, so a test whose verdict
   * depends on latency (ref2.js' `p(95)<1`) depends on the server, not on the machine's speed.
   */
  delays?: Record<string, number>;
  /** Count only requests whose User-Agent matches (others are answered, not counted). */
  userAgent?: RegExp;
}

export async function startConformanceServer(opts: ConformanceServerOptions = {}): Promise<ConformanceServer> {
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const key = `${req.method} ${u.pathname}`;
      if (!opts.userAgent || opts.userAgent.test(req.headers['user-agent'] ?? '')) counts.set(key, (counts.get(key) ?? 0) + 1);
      const delay = opts.delays?.[key];
      if (delay) {
        const t = setTimeout(() => answer(req, res, u, body), delay);
        res.on('close', () => clearTimeout(t));
      } else answer(req, res, u, body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    count: (k) => counts.get(k) ?? 0,
    waitFor: async (k, n) => {
      while ((counts.get(k) ?? 0) < n) await new Promise((r) => setTimeout(r, 10));
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, u: URL, body: string): unknown {
  if (u.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"status":"ok"}');
  }
  if (u.pathname === '/telemetry' && req.method === 'POST') {
    try {
      JSON.parse(body);
    } catch {
      res.writeHead(400);
      return res.end('{"error":"invalid json"}');
    }
    res.writeHead(202, { 'content-type': 'application/json' });
    return res.end('{"accepted":true}');
  }
  if (u.pathname === '/echo') {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=s3cr3t; Path=/' });
    return res.end(JSON.stringify({ method: req.method, headers: req.headers, body, query: Object.fromEntries(u.searchParams) }));
  }
  if (u.pathname === '/slow') {
    const t = setTimeout(() => {
      res.writeHead(200);
      res.end('slow');
    }, Number(u.searchParams.get('ms') ?? 100));
    res.on('close', () => clearTimeout(t));
    return;
  }
  if (u.pathname === '/raw') {
    // The query's `body` as the response body, as is (e.g. malformed JSON for Response.json()'s errors).
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end(u.searchParams.get('body') ?? '');
  }
  if (u.pathname === '/bytes') {
    // Every byte value in turn (binary bodies; the differential suite's responseType cases).
    const n = Number(u.searchParams.get('n') ?? 256);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return res.end(Buffer.from(Array.from({ length: n }, (_, i) => i % 256)));
  }
  if (u.pathname === '/redirect') {
    res.writeHead(302, { location: u.searchParams.get('to') ?? '/health' });
    return res.end();
  }
  if (u.pathname === '/drop') {
    // Closes the connection without an answer (the client reads EOF).
    return req.socket.destroy();
  }
  if (u.pathname === '/reset') {
    // Resets the connection (TCP RST) without an answer.
    return req.socket.resetAndDestroy();
  }
  if (u.pathname === '/status') {
    res.writeHead(Number(u.searchParams.get('code') ?? 200));
    return res.end();
  }
  res.writeHead(404);
  res.end();
}
