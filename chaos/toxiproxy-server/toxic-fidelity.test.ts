import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { findRealToxiproxy, type RealToolLookup } from '../../harness/testing/real-tools';
import { freePort, startTcpServer, type EchoServer } from '../testing/net-helpers';
import { startToxiproxyServer } from './index';

/**
 * The toxics measured on real TCP against the built-in server and, when TOXIPROXY_BIN or PATH
 * has it, real toxiproxy-server 2.4: the same requests, the same expectations (bytes delivered,
 * when, FIN or RST, on which side). Timing bounds are loose (a loaded 2-core machine): they
 * separate "waited about the asked time" from "did not wait" or "waited far too long".
 */

interface Server {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

type ServerFactory = (seed: number) => Promise<Server>;

const real: RealToolLookup = findRealToxiproxy();

const factories: Array<{ name: string; start: ServerFactory | undefined; why?: string }> = [
  {
    name: 'built-in',
    start: async (seed) => {
      const s = await startToxiproxyServer({ port: 0, seed });
      return { name: 'built-in', url: s.url, stop: () => s.stop() };
    },
  },
  {
    name: 'real Toxiproxy',
    why: real.found ? undefined : real.reason,
    start: real.found
      ? async (seed) => {
          const port = await freePort();
          const child = spawn(real.tool.path, ['-host', '127.0.0.1', '-port', String(port), '-seed', String(seed)], { stdio: 'ignore' });
          const url = `http://127.0.0.1:${port}`;
          const deadline = Date.now() + 10_000;
          while (!(await fetch(`${url}/version`).then((r) => r.ok, () => false))) {
            if (child.exitCode !== null || Date.now() > deadline) throw new Error(`toxiproxy-server did not start (exit ${child.exitCode})`);
            await delay(50);
          }
          return {
            name: 'real Toxiproxy',
            url,
            stop: async () => {
              if (child.exitCode !== null) return;
              const gone = new Promise((r) => child.once('exit', r));
              child.kill('SIGTERM');
              await gone;
            },
          };
        }
      : undefined,
  },
];

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How a socket's life went, seen from our end of it. */
interface Peer {
  sock: net.Socket;
  chunks: Array<{ data: Buffer; at: number }>;
  received(): Buffer;
  /** When the peer's FIN arrived (`end`), if it did. */
  endAt?: number;
  error?: string;
  closed: Promise<{ at: number; how: 'fin' | 'reset' | 'other'; error?: string }>;
  waitFor(bytes: number, ms: number): Promise<Buffer>;
}

function observe(sock: net.Socket): Peer {
  const p: Peer = {
    sock,
    chunks: [],
    received: () => Buffer.concat(p.chunks.map((c) => c.data)),
    closed: new Promise((resolve) => {
      sock.on('close', () => {
        const how = p.error === 'ECONNRESET' ? 'reset' : p.error ? 'other' : p.endAt !== undefined ? 'fin' : 'other';
        resolve({ at: performance.now(), how, error: p.error });
      });
    }),
    async waitFor(bytes, ms) {
      const until = performance.now() + ms;
      while (p.received().length < bytes && performance.now() < until && !sock.destroyed) await delay(5);
      return p.received();
    },
  };
  sock.on('data', (data: Buffer) => p.chunks.push({ data, at: performance.now() }));
  sock.on('end', () => {
    p.endAt = performance.now();
    // A FIN from the proxy: finish our side too so the socket closes (as most clients do).
    sock.end();
  });
  sock.on('error', (e: NodeJS.ErrnoException) => (p.error = e.code ?? e.message));
  return p;
}

/** An upstream that hands every accepted connection to the test, observed. */
async function startUpstream(onConnection: (peer: Peer) => void = () => {}): Promise<EchoServer & { peers: Peer[]; next(): Promise<Peer> }> {
  const peers: Peer[] = [];
  const waiting: Array<(p: Peer) => void> = [];
  const server = await startTcpServer((sock) => {
    const peer = observe(sock);
    peers.push(peer);
    onConnection(peer);
    waiting.shift()?.(peer);
  });
  return Object.assign(server, {
    peers,
    next: () => new Promise<Peer>((resolve) => (peers.length > waiting.length ? resolve(peers[waiting.length]) : waiting.push(resolve))),
  });
}

function connect(port: number): Promise<Peer> {
  const sock = net.connect({ port, host: '127.0.0.1' });
  const peer = observe(sock);
  return new Promise((resolve, reject) => {
    sock.once('connect', () => resolve(peer));
    sock.once('error', reject);
  });
}

async function api(server: Server, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function createProxy(server: Server, name: string, upstreamPort: number): Promise<number> {
  const r = await api(server, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return Number(String(r.json.listen).split(':').pop());
}

async function addToxic(server: Server, proxy: string, toxic: Record<string, unknown>): Promise<void> {
  const r = await api(server, 'POST', `/proxies/${proxy}/toxics`, { toxicity: 1, ...toxic });
  assert.equal(r.status, 200, JSON.stringify(r.json));
}

const ms = (t: number) => `${t.toFixed(0)} ms`;

for (const factory of factories) {
  describe(`toxics on real TCP: ${factory.name}`, function () {
    this.timeout(60_000);
    let server: Server;
    const closers: Array<() => Promise<void>> = [];
    before(function () {
      if (!factory.start) {
        // eslint-disable-next-line no-console
        console.log(`      skipped: ${factory.why}`);
        this.skip();
      }
    });
    beforeEach(async () => {
      server = await factory.start!(7);
    });
    afterEach(async () => {
      await server?.stop();
      for (const c of closers.splice(0)) await c();
    });
    const upstream = async (onConnection?: (peer: Peer) => void) => {
      const u = await startUpstream(onConnection);
      closers.push(() => u.close());
      return u;
    };

    describe('bandwidth', () => {
      it('downstream: delivers every byte at about `rate` KB/s', async () => {
        const up = await upstream((p) => p.sock.write(Buffer.alloc(25_000, 1)));
        const port = await createProxy(server, 'bw', up.port);
        await addToxic(server, 'bw', { type: 'bandwidth', stream: 'downstream', attributes: { rate: 50 } });
        const t0 = performance.now();
        const c = await connect(port);
        const got = await c.waitFor(25_000, 10_000);
        const took = c.chunks.at(-1)!.at - t0;
        c.sock.destroy();
        assert.equal(got.length, 25_000);
        // 25 KB at 50 KB/s = 500 ms.
        assert.ok(took >= 400 && took < 3000, `25 KB at 50 KB/s took ${ms(took)}, want about 500 ms`);
      });

      it('upstream: delivers every byte at about `rate` KB/s; the other direction is not limited', async () => {
        const up = await upstream((p) => p.sock.write(Buffer.alloc(100_000, 2)));
        const port = await createProxy(server, 'bw', up.port);
        await addToxic(server, 'bw', { type: 'bandwidth', stream: 'upstream', attributes: { rate: 50 } });
        const t0 = performance.now();
        const c = await connect(port);
        assert.equal((await c.waitFor(100_000, 5000)).length, 100_000);
        const downTook = c.chunks.at(-1)!.at - t0;
        // Limited, 100 KB at 50 KB/s would take 2 s.
        assert.ok(downTook < 1000, `downstream (not limited) took ${ms(downTook)}`);
        const peer = await up.next();
        const t1 = performance.now();
        c.sock.write(Buffer.alloc(25_000, 3));
        assert.equal((await peer.waitFor(25_000, 10_000)).length, 25_000);
        const took = peer.chunks.at(-1)!.at - t1;
        c.sock.destroy();
        assert.ok(took >= 400 && took < 3000, `25 KB at 50 KB/s took ${ms(took)}, want about 500 ms`);
      });
    });

    describe('timeout', () => {
      it('downstream, timeout 300: nothing arrives and both sides see a FIN after about 300 ms', async () => {
        const up = await upstream((p) => p.sock.write('hello'));
        const port = await createProxy(server, 't', up.port);
        await addToxic(server, 't', { type: 'timeout', stream: 'downstream', attributes: { timeout: 300 } });
        const t0 = performance.now();
        const c = await connect(port);
        const end = await c.closed;
        const peerEnd = await (await up.next()).closed;
        assert.equal(c.received().length, 0, 'data was dropped');
        assert.equal(end.how, 'fin', `client: ${JSON.stringify(end)}`);
        assert.equal(peerEnd.how, 'fin', `upstream: ${JSON.stringify(peerEnd)}`);
        assert.ok(end.at - t0 >= 250 && end.at - t0 < 3000, `closed after ${ms(end.at - t0)}, want about 300 ms`);
      });

      it('upstream, timeout 600: counts from the last data read, so a steady trickle keeps the connection open', async () => {
        const up = await upstream();
        const port = await createProxy(server, 't', up.port);
        await addToxic(server, 't', { type: 'timeout', stream: 'upstream', attributes: { timeout: 600 } });
        const t0 = performance.now();
        const c = await connect(port);
        const peer = await up.next();
        for (let i = 0; i < 10; i++) {
          c.sock.write('x');
          await delay(100);
        }
        const lastWrite = performance.now();
        const end = await c.closed;
        assert.equal(peer.received().length, 0, 'data was dropped');
        assert.ok(end.at - t0 >= 1000, `closed after ${ms(end.at - t0)} though data arrived every 100 ms`);
        assert.ok(end.at - lastWrite >= 450 && end.at - lastWrite < 3000, `closed ${ms(end.at - lastWrite)} after the last write, want about 600 ms`);
      });

      it('timeout 0: holds the connection open and drops the data; removing the toxic closes the connection', async () => {
        const up = await upstream();
        const port = await createProxy(server, 't', up.port);
        await addToxic(server, 't', { type: 'timeout', name: 'stall', stream: 'upstream', attributes: { timeout: 0 } });
        const c = await connect(port);
        const peer = await up.next();
        c.sock.write('lost');
        await delay(500);
        assert.equal(peer.received().length, 0);
        assert.equal(c.sock.destroyed, false, 'still open');
        assert.equal((await api(server, 'DELETE', '/proxies/t/toxics/stall')).status, 204);
        const end = await Promise.race([c.closed, delay(3000).then(() => undefined)]);
        assert.equal(end?.how, 'fin', `client after the removal: ${JSON.stringify(end)}`);
        assert.equal(peer.received().length, 0, 'held data is not delivered');
      });
    });

    describe('slow_close', () => {
      it('downstream, delay 300: the data comes at once, the FIN about 300 ms after the upstream closed', async () => {
        const up = await upstream((p) => p.sock.end('bye'));
        const port = await createProxy(server, 's', up.port);
        await addToxic(server, 's', { type: 'slow_close', stream: 'downstream', attributes: { delay: 300 } });
        const t0 = performance.now();
        const c = await connect(port);
        const end = await c.closed;
        assert.equal(c.received().toString(), 'bye');
        assert.equal(end.how, 'fin');
        const finAfter = c.endAt! - t0;
        assert.ok(finAfter >= 280 && finAfter < 3000, `FIN after ${ms(finAfter)}, want about 300 ms`);
        const gap = c.endAt! - c.chunks[0].at;
        assert.ok(gap >= 150, `the data came only ${ms(gap)} before the FIN: it was held back too`);
      });

      it('upstream, delay 300: the upstream sees the FIN about 300 ms after the client closed', async () => {
        const up = await upstream();
        const port = await createProxy(server, 's', up.port);
        await addToxic(server, 's', { type: 'slow_close', stream: 'upstream', attributes: { delay: 300 } });
        const c = await connect(port);
        const peer = await up.next();
        c.sock.write('hi');
        assert.equal((await peer.waitFor(2, 3000)).toString(), 'hi');
        const t0 = performance.now();
        c.sock.end();
        const end = await peer.closed;
        assert.ok(peer.endAt !== undefined, `upstream: ${JSON.stringify(end)}`);
        const finAfter = peer.endAt! - t0;
        assert.ok(finAfter >= 280 && finAfter < 3000, `FIN after ${ms(finAfter)}, want about 300 ms`);
      });
    });

    describe('reset_peer', () => {
      it('downstream, timeout 200: data is dropped and both sides get RST about 200 ms after data arrived', async () => {
        let sendAt = 0;
        const up = await upstream((p) => {
          sendAt = performance.now();
          p.sock.write('doomed');
        });
        const port = await createProxy(server, 'r', up.port);
        await addToxic(server, 'r', { type: 'reset_peer', stream: 'downstream', attributes: { timeout: 200 } });
        const c = await connect(port);
        const end = await c.closed;
        const peerEnd = await (await up.next()).closed;
        assert.equal(c.received().length, 0);
        assert.equal(end.how, 'reset', `client: ${JSON.stringify(end)}`);
        assert.equal(peerEnd.how, 'reset', `upstream: ${JSON.stringify(peerEnd)}`);
        assert.ok(end.at - sendAt >= 150 && end.at - sendAt < 3000, `reset ${ms(end.at - sendAt)} after the data, want about 200 ms`);
      });

      it('upstream, timeout 0: no data, no reset; the first data resets at once', async () => {
        const up = await upstream();
        const port = await createProxy(server, 'r', up.port);
        await addToxic(server, 'r', { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
        const c = await connect(port);
        const peer = await up.next();
        await delay(400);
        assert.equal(c.sock.destroyed, false, 'an idle connection is not reset');
        c.sock.write('x');
        const end = await c.closed;
        assert.equal(peer.received().length, 0);
        assert.equal(end.how, 'reset', `client: ${JSON.stringify(end)}`);
      });
    });

    describe('limit_data', () => {
      it('downstream, bytes 10: exactly 10 bytes, then a FIN to both sides', async () => {
        const up = await upstream((p) => p.sock.write(Buffer.alloc(100, 4)));
        const port = await createProxy(server, 'l', up.port);
        await addToxic(server, 'l', { type: 'limit_data', stream: 'downstream', attributes: { bytes: 10 } });
        const c = await connect(port);
        const end = await c.closed;
        const peerEnd = await (await up.next()).closed;
        assert.equal(c.received().length, 10);
        assert.equal(end.how, 'fin', `client: ${JSON.stringify(end)}`);
        assert.notEqual(peerEnd.how, 'reset', `upstream: ${JSON.stringify(peerEnd)}`);
      });

      it('upstream, bytes 10 over several writes: the upstream gets exactly 10 bytes, then the connection closes', async () => {
        const up = await upstream();
        const port = await createProxy(server, 'l', up.port);
        await addToxic(server, 'l', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } });
        const c = await connect(port);
        const peer = await up.next();
        c.sock.write('1234');
        assert.equal((await peer.waitFor(4, 3000)).toString(), '1234');
        c.sock.write('56789abcdef');
        const end = await c.closed;
        await peer.closed;
        assert.equal(peer.received().toString(), '123456789a');
        assert.equal(end.how, 'fin', `client: ${JSON.stringify(end)}`);
      });

      it('bytes 0: closes on the first data, delivering nothing', async () => {
        const up = await upstream();
        const port = await createProxy(server, 'l', up.port);
        await addToxic(server, 'l', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 0 } });
        const c = await connect(port);
        const peer = await up.next();
        await delay(200);
        assert.equal(c.sock.destroyed, false, 'open until data comes');
        c.sock.write('x');
        const end = await c.closed;
        assert.equal(peer.received().length, 0);
        assert.equal(end.how, 'fin');
      });
    });

    describe('toxicity', () => {
      /** Which of `n` sequential connections the toxic acted on (a timeout 0 toxic: the echo never comes). */
      async function pattern(seed: number, toxicity: number, n: number): Promise<string> {
        const s = await factory.start!(seed);
        try {
          const up = await upstream((p) => p.sock.on('data', (d) => p.sock.write(d)));
          const port = await createProxy(s, 'x', up.port);
          await addToxic(s, 'x', { type: 'timeout', stream: 'downstream', toxicity, attributes: { timeout: 0 } });
          let out = '';
          for (let i = 0; i < n; i++) {
            const c = await connect(port);
            c.sock.write('?');
            out += (await c.waitFor(1, 300)).length ? '.' : 'T';
            c.sock.destroy();
          }
          return out;
        } finally {
          await s.stop();
        }
      }

      it('0 never and 1 always acts; 0.5 acts on some connections and not on others', async () => {
        assert.equal(await pattern(3, 0, 5), '.....');
        assert.equal(await pattern(3, 1, 5), 'TTTTT');
        const mixed = await pattern(11, 0.5, 24);
        assert.match(mixed, /T/);
        assert.match(mixed, /\./);
      });

      it('follows the seeded random source: the same seed acts on the same connections', async function () {
        if (factory.name !== 'built-in') {
          // Toxiproxy seeds Go's global math/rand (-seed) but rolls from a goroutine per toxic and
          // connection, so the order of draws, and the pattern, can change between runs.
          // eslint-disable-next-line no-console
          console.log('      skipped: real Toxiproxy rolls toxicity from concurrent goroutines; a replay is not guaranteed there');
          this.skip();
        }
        const first = await pattern(11, 0.5, 24);
        assert.equal(await pattern(11, 0.5, 24), first);
        assert.notEqual(await pattern(12, 0.5, 24), first, 'another seed, other connections');
      });
    });

    describe('removing a toxic while data flows', () => {
      it('answers at once although the client reads nothing (the toxic holds data and the output is full)', async function () {
        if (factory.name !== 'built-in') {
          // eslint-disable-next-line no-console
          console.log('      skipped: Toxiproxy 2.4 hangs here (RemoveToxic waits on a blocked output; fixed in a later release)');
          this.skip();
        }
        // A stream that fills every buffer: the client never reads.
        const up = await upstream((p) => {
          const chunk = Buffer.alloc(64 * 1024, 5);
          const pump = () => {
            while (!p.sock.destroyed && p.sock.write(chunk));
          };
          p.sock.on('drain', pump);
          pump();
        });
        const port = await createProxy(server, 'flow', up.port);
        await addToxic(server, 'flow', { type: 'latency', name: 'slow', stream: 'downstream', attributes: { latency: 50 } });
        await addToxic(server, 'flow', { type: 'bandwidth', name: 'bw', stream: 'downstream', attributes: { rate: 10_000 } });
        await addToxic(server, 'flow', { type: 'slicer', name: 'sl', stream: 'downstream', attributes: { average_size: 1000, size_variation: 100, delay: 500 } });
        const c = await connect(port);
        c.sock.pause();
        await delay(800);
        for (const name of ['slow', 'bw', 'sl']) {
          const t0 = performance.now();
          const r = await Promise.race([api(server, 'DELETE', `/proxies/flow/toxics/${name}`), delay(5000).then(() => undefined)]);
          assert.equal(r?.status, 204, `DELETE ${name} did not answer within 5 s`);
          assert.ok(performance.now() - t0 < 5000);
        }
        const r = await Promise.race([api(server, 'GET', '/proxies/flow'), delay(5000).then(() => undefined)]);
        assert.equal(r?.status, 200, 'the API answers afterwards');
        c.sock.resume();
        const before = c.received().length;
        await c.waitFor(before + 1_000_000, 5000);
        c.sock.destroy();
        assert.ok(c.received().length > before, 'data flows again');
      });
    });
  });
}
