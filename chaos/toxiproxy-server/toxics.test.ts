import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import net from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startTcpServer, type EchoServer } from '../testing/net-helpers';
import { startToxiproxyServer, type StartedToxiproxyServer } from './index';

/** Connects to `port`; collects what arrives, when it arrives, and how the socket ended. */
function client(port: number) {
  const sock = net.connect({ port, host: '127.0.0.1' });
  const chunks: Array<{ data: Buffer; at: number }> = [];
  let error: NodeJS.ErrnoException | undefined;
  const ended = new Promise<{ at: number; error?: NodeJS.ErrnoException }>((resolve) => {
    sock.on('data', (data) => chunks.push({ data, at: performance.now() }));
    sock.on('error', (e) => (error = e));
    sock.on('close', () => resolve({ at: performance.now(), error }));
  });
  const connected = new Promise<void>((r) => sock.once('connect', () => r()));
  const received = () => Buffer.concat(chunks.map((c) => c.data));
  const waitFor = async (bytes: number, timeoutMs: number) => {
    const until = performance.now() + timeoutMs;
    while (received().length < bytes && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
    return received();
  };
  return { sock, chunks, ended, connected, received, waitFor };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

// bandwidth, timeout, slow_close, reset_peer, limit_data and toxicity are measured side by side
// with real Toxiproxy in toxic-fidelity.test.ts.
describe('toxiproxy-server: toxics on real TCP traffic', () => {
  let server: StartedToxiproxyServer;
  let echo: EchoServer;
  let toxiproxy: Toxiproxy;
  let proxyPort: number;

  beforeEach(async () => {
    server = await startToxiproxyServer({ port: 0, seed: 42 });
    echo = await startTcpServer();
    toxiproxy = new Toxiproxy(server.url);
    const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    proxyPort = Number(proxy.listen.split(':').pop());
  });
  afterEach(async () => {
    await server.stop();
    await echo.close();
  });

  const addToxic = async (body: Record<string, unknown>) =>
    (await toxiproxy.get('echo')).addToxic({ stream: 'downstream', toxicity: 1, ...body } as never);

  it('passes bytes through unchanged without toxics', async () => {
    const c = client(proxyPort);
    await c.connected;
    c.sock.write('hello');
    assert.equal((await c.waitFor(5, 2000)).toString(), 'hello');
    c.sock.destroy();
  });

  it('latency delays each chunk by latency ± jitter', async () => {
    await addToxic({ type: 'latency', attributes: { latency: 150, jitter: 20 } });
    const c = client(proxyPort);
    await c.connected;
    const t0 = performance.now();
    c.sock.write('ping');
    await c.waitFor(4, 3000);
    const rtt = c.chunks[0].at - t0;
    assert.ok(rtt >= 125, `round trip ${rtt.toFixed(0)} ms, want >= 130 (150 - 20 jitter, minus timer slack)`);
    assert.ok(rtt < 1500, `round trip ${rtt.toFixed(0)} ms is far beyond latency + jitter`);
    c.sock.destroy();
  });

  it('passes 8 MB through unchanged without toxics (direct path, with backpressure)', async () => {
    const c = client(proxyPort);
    await c.connected;
    const payload = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE(i, i);
    c.sock.write(payload);
    const got = await c.waitFor(payload.length, 30_000);
    assert.equal(got.length, payload.length);
    assert.ok(got.equals(payload), 'bytes differ');
    c.sock.destroy();
  });

  it('latency never delivers before the configured latency (measured from the client write)', async () => {
    await addToxic({ type: 'latency', attributes: { latency: 20, jitter: 0 } });
    const c = client(proxyPort);
    await c.connected;
    const rtts: number[] = [];
    for (let i = 0; i < 30; i++) {
      const before = c.received().length;
      const t0 = performance.now();
      c.sock.write('p');
      await c.waitFor(before + 1, 3000);
      rtts.push(c.chunks[c.chunks.length - 1].at - t0);
      await delay(i % 7); // vary the phase against the 1 ms timer clock
    }
    c.sock.destroy();
    const sorted = [...rtts].sort((a, b) => a - b);
    // The client's own clock bounds the proxy's: it wrote before the proxy read.
    assert.ok(sorted[0] >= 20, `a chunk arrived after ${sorted[0].toFixed(2)} ms, before the 20 ms latency`);
    // Generous: the machine is shared; the bound that matters (never early) is exact above.
    assert.ok(sorted[15] < 20 + 15, `median round trip ${sorted[15].toFixed(2)} ms, want about 21`);
  });

  it('slicer honours microsecond delays on average (no timer per piece)', async () => {
    let total = 0;
    let done!: () => void;
    const arrived = new Promise<void>((r) => (done = r));
    const sink = await startTcpServer((s) =>
      s.on('data', (d) => {
        total += d.length;
        if (total >= 32 * 1024) done();
      }),
    );
    const proxy = await toxiproxy.createProxy({ name: 'sink', listen: '127.0.0.1:0', upstream: `127.0.0.1:${sink.port}` });
    // 32 KB in 32-byte pieces, 100 µs apart: 1023 delays = 102.3 ms.
    await proxy.addToxic({ type: 'slicer', stream: 'upstream', toxicity: 1, attributes: { average_size: 32, size_variation: 0, delay: 100 } } as never);
    const c = client(Number(proxy.listen.split(':').pop()));
    await c.connected;
    // Count the timers the server creates while the data flows (it runs in this process): a
    // timer per piece would be >= 1023 of them, whatever the machine's load; batching the
    // sub-millisecond delays needs about one per millisecond of delay.
    let timers = 0;
    const hook = createHook({ init: (_id, type) => void (type === 'Timeout' && timers++) }).enable();
    const t0 = performance.now();
    c.sock.write(Buffer.alloc(32 * 1024, 7));
    const timeout = setTimeout(done, 10_000);
    await arrived;
    const took = performance.now() - t0;
    hook.disable();
    clearTimeout(timeout);
    c.sock.destroy();
    await sink.close();
    assert.equal(total, 32 * 1024);
    assert.ok(took >= 100, `took ${took.toFixed(1)} ms, want >= 102.3 (1023 x 100 µs)`);
    assert.ok(timers < 1023 / 2, `${timers} timers for 1023 pieces: a timer per piece`);
  });

  it('the noop toxic passes bytes through unchanged', async () => {
    const toxic = await addToxic({ type: 'noop', attributes: {} });
    assert.deepEqual(toxic.attributes, {});
    const c = client(proxyPort);
    await c.connected;
    c.sock.write('noop');
    assert.equal((await c.waitFor(4, 2000)).toString(), 'noop');
    c.sock.destroy();
  });

  it('removing a toxic that holds data answers at once and releases the data', async () => {
    await addToxic({ type: 'latency', attributes: { latency: 60_000 } });
    const c = client(proxyPort);
    await c.connected;
    c.sock.write('held');
    await delay(100);
    assert.equal(c.received().length, 0);
    const t0 = performance.now();
    const res = await fetch(`${server.url}/proxies/echo/toxics/latency_downstream`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.ok(performance.now() - t0 < 5000, 'DELETE blocked');
    assert.equal((await c.waitFor(4, 2000)).toString(), 'held');
    c.sock.destroy();
  });

  it('slicer splits data into chunks of average_size ± size_variation', async () => {
    const seen: Buffer[] = [];
    const sink = await startTcpServer((s) => s.on('data', (d) => seen.push(d)));
    const proxy = await toxiproxy.createProxy({ name: 'sink', listen: '127.0.0.1:0', upstream: `127.0.0.1:${sink.port}` });
    await proxy.addToxic({ type: 'slicer', stream: 'upstream', toxicity: 1, attributes: { average_size: 10, size_variation: 3, delay: 5000 } } as never);
    const c = client(Number(proxy.listen.split(':').pop()));
    await c.connected;
    c.sock.write(Buffer.alloc(100, 7));
    const until = performance.now() + 3000;
    while (Buffer.concat(seen).length < 100 && performance.now() < until) await delay(10);
    c.sock.destroy();
    await sink.close();
    assert.equal(Buffer.concat(seen).length, 100);
    assert.ok(seen.length >= 7, `got ${seen.length} chunks, want >= 7`);
    for (const s of seen.slice(0, -1)) assert.ok(s.length >= 7 && s.length <= 13, `chunk of ${s.length} bytes`);
  });

  it('enabled:false closes the listener and drops connections; re-enabling restores it', async () => {
    const c = client(proxyPort);
    await c.connected;
    const proxy = await toxiproxy.get('echo');
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await c.ended;
    const refused = client(proxyPort);
    assert.equal((await refused.ended).error?.code, 'ECONNREFUSED');
    await toxiproxy.reset();
    const again = client(proxyPort);
    await again.connected;
    again.sock.write('back');
    assert.equal((await again.waitFor(4, 2000)).toString(), 'back');
    again.sock.destroy();
  });

  it('drives the API end to end with toxiproxy-node-client', async () => {
    assert.equal(await toxiproxy.getVersion(), '2.4.0');
    const proxy = await toxiproxy.get('echo');
    const toxic = await proxy.addToxic({ type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 10, jitter: 0 } } as never);
    assert.equal(toxic.name, 'latency_downstream');
    const updated = await toxic.update({ toxicity: 0.5, attributes: { latency: 20 } } as never);
    assert.deepEqual(updated.attributes, { latency: 20, jitter: 0 });
    assert.equal(updated.toxicity, 0.5);
    await assert.rejects(proxy.addToxic({ name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: {} } as never));
    await updated.remove();
    await assert.rejects((await toxiproxy.get('echo')).getToxic('latency_downstream'));
    await proxy.addToxic({ type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: 1 } } as never);
    await toxiproxy.reset();
    assert.deepEqual(await (await fetch(`${server.url}/proxies/echo/toxics`)).json(), []);
    const all = await toxiproxy.getAll();
    assert.deepEqual(Object.keys(all), ['echo']);
    await proxy.remove();
    assert.deepEqual(Object.keys(await toxiproxy.getAll()), []);
  });
});
