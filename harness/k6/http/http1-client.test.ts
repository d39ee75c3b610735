import assert from 'node:assert/strict';
import net from 'node:net';
import { withLoopTimeline } from '../../testing';
import type { HttpRequestSpec } from '../types';
import { Http1Client } from './http1-client';
import { startTestServer, type TestServer } from './testing';

const spec = (url: string, extra: Partial<HttpRequestSpec> = {}): HttpRequestSpec => ({
  method: 'GET',
  url,
  headers: {},
  timeoutMs: 5000,
  signal: new AbortController().signal,
  ...extra,
});

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('k6 http Http1Client (real server on 127.0.0.1)', () => {
  let srv: TestServer;
  let client: Http1Client;
  beforeEach(async () => {
    srv = await startTestServer();
    client = new Http1Client();
  });
  afterEach(async () => {
    await client.close();
    await srv.close();
  });

  it('sends method, headers and body; reports status, headers, remote address and wire bytes', async () => {
    const r = await client.request(spec(`${srv.url}/echo?x=1`, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Multi': ['a', 'b'] }, body: 'héllo' }));
    assert.equal(r.status, 200);
    assert.equal(r.statusText, 'OK');
    assert.equal(r.proto, 'HTTP/1.1');
    assert.equal(r.headers['Content-Type'], 'application/json');
    const echo = JSON.parse(r.body.toString());
    assert.equal(echo.method, 'POST');
    assert.equal(echo.url, '/echo?x=1');
    assert.equal(echo.body, 'héllo');
    assert.equal(echo.headers['content-length'], String(Buffer.byteLength('héllo')));
    assert.equal(echo.headers['x-multi'], 'a, b');
    assert.equal(echo.headers.host, `127.0.0.1:${srv.port}`);
    assert.equal(r.remoteIP, '127.0.0.1');
    assert.equal(r.remotePort, srv.port);
    assert.ok(r.bytesSent > 60 && r.bytesReceived > r.body.length, `${r.bytesSent} ${r.bytesReceived}`);
    assert.equal(r.error, undefined);
  });

  it('measures k6 timings: duration = sending + waiting + receiving, connecting only on a new connection', async () => {
    const first = await client.request(spec(`${srv.url}/slow?ms=30`));
    const t = first.timings;
    assert.ok(t.connecting > 0, 'first request connects');
    assert.ok(t.blocked >= t.connecting, 'blocked spans the connect');
    assert.equal(t.tls_handshaking, 0);
    assert.ok(Math.abs(t.duration - (t.sending + t.waiting + t.receiving)) < 1e-9);
    assert.ok(t.waiting >= 25, `waiting ${t.waiting} covers the server's 30 ms`);
    const second = await client.request(spec(`${srv.url}/echo`));
    assert.equal(second.timings.connecting, 0, 'keep-alive: the second request reuses the connection');
    assert.equal(srv.connections, 1);
  });

  it('does not reuse connections with reuse: false (Connection: close)', async () => {
    const c = new Http1Client({ reuse: false });
    try {
      const a = await c.request(spec(`${srv.url}/echo`));
      const b = await c.request(spec(`${srv.url}/echo`));
      assert.equal(JSON.parse(a.body.toString()).headers.connection, 'close');
      assert.ok(b.timings.connecting > 0);
      assert.equal(srv.connections, 2);
    } finally {
      await c.close();
    }
  });

  it('closeIdle() forces the next request onto a new connection', async () => {
    await client.request(spec(`${srv.url}/echo`));
    client.closeIdle();
    const r = await client.request(spec(`${srv.url}/echo`));
    assert.ok(r.timings.connecting > 0);
    assert.equal(srv.connections, 2);
  });

  it('reads chunked bodies, gzip bodies, bodies until close, and a server-side Connection: close', async () => {
    assert.equal((await client.request(spec(`${srv.url}/chunked`))).body.toString(), 'hello chunked world');
    assert.equal((await client.request(spec(`${srv.url}/gzip`))).body.toString(), 'compressed text');
    assert.equal((await client.request(spec(`${srv.url}/nolength`))).body.toString(), 'until close');
    assert.equal((await client.request(spec(`${srv.url}/close`))).body.toString(), 'closed');
    const after = await client.request(spec(`${srv.url}/echo`));
    assert.equal(after.status, 200);
    assert.ok(after.timings.connecting > 0, 'the closed connection was not reused');
  });

  it('HEAD and 204 responses have no body and keep the connection usable', async () => {
    const h = await client.request(spec(`${srv.url}/status/200`, { method: 'HEAD' }));
    assert.equal(h.status, 200);
    assert.equal(h.body.length, 0);
    const n = await client.request(spec(`${srv.url}/status/204`));
    assert.equal(n.status, 204);
    const again = await client.request(spec(`${srv.url}/echo`));
    assert.equal(again.status, 200);
    assert.equal(srv.connections, 1);
  });

  it('connection refused is k6 error 1212 with status 0', async () => {
    const port = await closedPort();
    const r = await client.request(spec(`http://127.0.0.1:${port}/`));
    assert.equal(r.status, 0);
    assert.equal(r.errorCode, 1212);
    assert.equal(r.error, 'dial: connection refused');
  });

  it('a request timeout is k6 error 1050 "request timeout" and frees the connection', async () => {
    const r = await client.request(spec(`${srv.url}/slow?ms=2000`, { timeoutMs: 100 }));
    assert.equal(r.status, 0);
    assert.equal(r.errorCode, 1050);
    assert.equal(r.error, 'request timeout');
    const t = r.timings;
    assert.ok(t.blocked + t.sending + t.waiting >= 50 && t.receiving === 0, `the wait until the timeout counts as waiting: ${JSON.stringify(t)}`);
    assert.equal((await client.request(spec(`${srv.url}/echo`))).status, 200);
  });

  it('an invalid URL is k6 error 1020', async () => {
    const r = await client.request(spec('ftp://127.0.0.1/x'));
    assert.equal(r.errorCode, 1020);
    assert.match(r.error ?? '', /unsupported protocol scheme "ftp"/);
  });

  it('aborting the signal rejects promptly with its reason', async () => {
    const ac = new AbortController();
    const now = () => performance.timeOrigin + performance.now();
    let abortedAt = 0;
    const { value: rejectedAt, loop } = await withLoopTimeline(async () => {
      const p = client.request(spec(`${srv.url}/slow?ms=5000`, { signal: ac.signal }));
      setTimeout(() => {
        abortedAt = now();
        ac.abort(new Error('hard stop'));
      }, 30);
      await assert.rejects(p, /hard stop/);
      return now();
    });
    // promptly: in the turn of the event loop that aborted (not when the 5 s answer comes), late
    // by at most what the event loop was late then
    const after = rejectedAt - abortedAt;
    assert.ok(after <= loop.lateAt(rejectedAt), `rejected ${after.toFixed(1)} ms after the abort; the event loop ran at most ${loop.lateAt(rejectedAt).toFixed(1)} ms late then`);
    await assert.rejects(client.request(spec(`${srv.url}/echo`, { signal: ac.signal })), /hard stop/);
  });

  it('retries once on a fresh connection when the server drops a kept-alive one without answering', async () => {
    // Raw server: on the first connection it answers one request, then resets on the next.
    let conns = 0;
    const raw = net.createServer((sock) => {
      const n = ++conns;
      let reqs = 0;
      sock.on('data', () => {
        reqs++;
        if (n === 1 && reqs === 2) return sock.destroy();
        sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(raw.address() as net.AddressInfo).port}/`;
    try {
      assert.equal((await client.request(spec(url))).status, 200);
      const r = await client.request(spec(url));
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), 'ok');
      assert.equal(conns, 2);
    } finally {
      await client.close();
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('parallel requests to one host use separate connections', async () => {
    const rs = await Promise.all([1, 2, 3].map(() => client.request(spec(`${srv.url}/wait?ms=50`))));
    assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
    assert.equal(srv.maxInFlight, 3);
    assert.equal(srv.connections, 3);
  });
});

describe('k6 http Http1Client over TLS (real https server on 127.0.0.1)', () => {
  let server: import('node:https').Server;
  let url: string;
  before(async function () {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'k6-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    } catch (e) {
      console.log(`      skipped: cannot make a test certificate with openssl: ${(e as Error).message.split('\n')[0]}`);
      this.skip();
    }
    const https = await import('node:https');
    server = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) => res.end('secure'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('measures tls_handshaking on a new connection only and reports the TLS version', async () => {
    const c = new Http1Client({ insecureSkipTLSVerify: true });
    try {
      const a = await c.request(spec(url));
      assert.equal(a.status, 200);
      assert.equal(a.body.toString(), 'secure');
      assert.ok(a.timings.tls_handshaking > 0);
      assert.ok(a.timings.blocked >= a.timings.connecting + a.timings.tls_handshaking - 1e-6);
      assert.equal(a.tlsVersion, 'tls1.3');
      assert.ok(a.bytesReceived > 500, 'handshake bytes count as received');
      const b = await c.request(spec(url));
      assert.equal(b.timings.tls_handshaking, 0);
      assert.equal(b.timings.connecting, 0);
    } finally {
      await c.close();
    }
  });

  it('an untrusted certificate is k6 error 1310 "x509: unknown authority"', async () => {
    const c = new Http1Client();
    try {
      const r = await c.request(spec(url));
      assert.equal(r.status, 0);
      assert.equal(r.errorCode, 1310);
      assert.equal(r.error, 'x509: unknown authority');
    } finally {
      await c.close();
    }
  });
});

describe('k6 http Http1Client abort fan-out', () => {
  it('many parallel requests on one signal share one abort listener and all reject on abort', async () => {
    const srv = await startTestServer();
    const client = new Http1Client();
    const ac = new AbortController();
    const warnings: Error[] = [];
    const onWarn = (w: Error) => warnings.push(w);
    process.on('warning', onWarn);
    try {
      const ps = Array.from({ length: 15 }, () => client.request(spec(`${srv.url}/slow?ms=5000`, { signal: ac.signal })));
      await new Promise((r) => setTimeout(r, 30));
      ac.abort(new Error('stop all'));
      const results = await Promise.allSettled(ps);
      assert.ok(results.every((r) => r.status === 'rejected' && /stop all/.test(String(r.reason))));
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.map((w) => w.name), []);
    } finally {
      process.off('warning', onWarn);
      await client.close();
      await srv.close();
    }
  });
});

describe('k6 http Http1Client abort listeners', () => {
  it('keeps one listener per signal across requests and detaches it when the signal changes', async () => {
    const srv = await startTestServer();
    const client = new Http1Client();
    const counts = new Map<AbortSignal, number>();
    const track = (signal: AbortSignal) => {
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      counts.set(signal, 0);
      signal.addEventListener = ((...a: Parameters<typeof add>) => (counts.set(signal, counts.get(signal)! + 1), add(...a))) as typeof add;
      signal.removeEventListener = ((...a: Parameters<typeof remove>) => (counts.set(signal, counts.get(signal)! - 1), remove(...a))) as typeof remove;
      return signal;
    };
    try {
      const s1 = track(new AbortController().signal);
      for (let i = 0; i < 3; i++) await client.request(spec(`${srv.url}/echo`, { signal: s1 }));
      assert.equal(counts.get(s1), 1);
      const s2 = track(new AbortController().signal);
      await client.request(spec(`${srv.url}/echo`, { signal: s2 }));
      assert.deepEqual([counts.get(s1), counts.get(s2)], [0, 1]);
      await client.close();
      assert.equal(counts.get(s2), 0);
    } finally {
      await client.close();
      await srv.close();
    }
  });
});
