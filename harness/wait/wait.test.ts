import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wait } from './index';
import type { Clock } from './clock';

/** A clock that advances instantly, so timeouts are tested without sleeping. */
function fakeClock(): Clock {
  let t = 0;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

describe('wait strategies', () => {
  let server: Server;
  let port: number;
  let status = 503;
  before(async () => {
    server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('http: times out naming the URL, the deadline and the last status', async () => {
    status = 503;
    await assert.rejects(
      Wait.forHttp(`http://127.0.0.1:${port}/health/ready`).waitUntilReady({ timeoutMs: 1000, clock: fakeClock() }),
      (e: Error) =>
        /timed out after 1\.0 s waiting for HTTP 200 from GET http:\/\/127\.0\.0\.1:\d+\/health\/ready \(last: status 503\)/.test(e.message),
    );
  });

  it('http: resolves once the status matches', async () => {
    status = 200;
    await Wait.forHttp(`http://127.0.0.1:${port}/`).waitUntilReady({ timeoutMs: 1000, clock: fakeClock() });
  });

  it('port: ready when listening, refused otherwise', async () => {
    await Wait.forPort(port).waitUntilReady({ timeoutMs: 500, clock: fakeClock() });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const p = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(Wait.forPort(p).waitUntilReady({ timeoutMs: 300, clock: fakeClock() }), /TCP port 127\.0\.0\.1:\d+.*ECONNREFUSED/);
  });

  it('log: counts matching lines', async () => {
    let text = 'starting\n';
    const w = Wait.forLogMessage(() => text, /ready/, { times: 2, label: 'worker.log' });
    await assert.rejects(w.waitUntilReady({ timeoutMs: 200, clock: fakeClock() }), /2x line matching \/ready\/ in worker\.log \(last: 0 of 2 seen\)/);
    text += 'ready\nready\n';
    await w.waitUntilReady({ timeoutMs: 200, clock: fakeClock() });
  });

  it('all: fails with the one that is not ready; abort stops waiting', async () => {
    status = 200;
    const ok = Wait.forHttp(`http://127.0.0.1:${port}/`);
    const never = Wait.forLogMessage(() => '', /x/, { label: 'nothing' });
    await assert.rejects(Wait.forAll([ok, never]).waitUntilReady({ timeoutMs: 200, clock: fakeClock() }), /in nothing/);
    const ac = new AbortController();
    ac.abort(new Error('SIGINT'));
    await assert.rejects(never.waitUntilReady({ signal: ac.signal }), (e: Error & { exitCode?: number }) => e.exitCode === 105);
  });
});
