import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort, startTcpServer } from '../testing/net-helpers';
import { findRealToxiproxy, requireRealTool, type RealTool } from '../../harness/testing/real-tools';
import { generateApiSequence, PORT_SLOTS, type ApiCall } from './api-sequence';
import { startToxiproxyServer } from './index';

/**
 * The built-in server and the real toxiproxy-server 2.4 get the same seeded API call sequences;
 * every answer must have the same status and body. Only what must differ is normalised: the
 * listen ports (each server gets its own free ports for the `$Pn` slots; a port the OS chose for
 * `:0` reads `$ANY`). `/version` is compared as is: the built-in server answers the release it is
 * compatible with (2.4.0), as the v2.4.0 release build does. Both run with proxy metrics on. Skipped, saying why,
 * without a real toxiproxy-server (PATH or TOXIPROXY_BIN; docs/testing.md).
 */
const SEEDS = Number(process.env.TOXIPROXY_DIFF_SEEDS ?? 30);
const LENGTH = Number(process.env.TOXIPROXY_DIFF_LENGTH ?? 100);
const FIRST_SEED = Number(process.env.TOXIPROXY_DIFF_SEED ?? 1);

interface Side {
  url: string;
  ports: string[];
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
}

/**
 * Free ports for the `$Pn` slots, below Linux's ephemeral range (32768+), so a proxy told to
 * listen on `:0` never gets a slot's port by chance and makes the servers' answers differ.
 */
async function freePorts(n: number, taken: Set<string>): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const p = String(20_000 + Math.floor(Math.random() * 12_000));
    if (!taken.has(p) && (await portFree(Number(p)))) {
      taken.add(p);
      out.push(p);
    }
  }
  return out;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function waitForApi(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`toxiproxy-server exited ${child.exitCode} before answering`);
    try {
      if ((await fetch(`${url}/version`)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`toxiproxy-server did not answer ${url}/version within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startReal(tool: RealTool, ports: string[]): Promise<Side> {
  const apiPort = await freePort();
  const child = spawn(tool.path, ['-host', '127.0.0.1', '-port', String(apiPort), '-proxy-metrics'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${apiPort}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  try {
    await waitForApi(url, child);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, ports, stop };
}

/** `git`: a real build from source without release ldflags says so on /version; so do we then. */
let builtinVersion: string | undefined;

async function startBuiltin(ports: string[]): Promise<Side> {
  const server = await startToxiproxyServer({ port: 0, seed: 1, proxyMetrics: true, version: builtinVersion });
  return { url: server.url, ports, stop: () => server.stop() };
}

async function send(side: Side, call: ApiCall): Promise<Answer> {
  const there = (s: string) => s.replace(/\$P(\d)/g, (_, i) => side.ports[Number(i)]);
  const res = await fetch(side.url + there(call.path), { method: call.method, redirect: 'manual', body: call.body === undefined ? undefined : there(call.body) });
  let body = await res.text();
  side.ports.forEach((p, i) => (body = body.replaceAll(`:${p}"`, `:$P${i}"`).replaceAll(`:${p}:`, `:$P${i}:`).replaceAll(`:${p} `, `:$P${i} `)));
  body = body.replace(/"listen":"([^"]*):\d{2,5}"/g, '"listen":"$1:$ANY"');
  const location = res.headers.get('location');
  if (location) body = `Location: ${location}\n${body}`;
  return { status: res.status, body };
}

const show = (c: ApiCall) => `${c.method} ${c.path}${c.body === undefined ? '' : ` ${c.body}`}`;

describe('toxiproxy-server: differential test against real Toxiproxy 2.4', function () {
  this.timeout(300_000);
  let tool: RealTool;

  before(function () {
    tool = requireRealTool(this, findRealToxiproxy());
    builtinVersion = tool.version === 'git' ? 'git' : undefined;
    // eslint-disable-next-line no-console
    console.log(`      real: ${tool.path} (${tool.name} ${tool.version}, ${tool.via}); ${SEEDS} seeds x ${LENGTH} calls from seed ${FIRST_SEED}`);
  });

  it('answers generated call sequences with the same status and body as real Toxiproxy', async () => {
    const mismatches: string[] = [];
    const cutShort: string[] = [];
    let calls = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const taken = new Set<string>();
      const real = await startReal(tool, await freePorts(PORT_SLOTS, taken));
      const builtin = await startBuiltin(await freePorts(PORT_SLOTS, taken));
      try {
        const sequence = generateApiSequence(seed, LENGTH);
        for (const [i, call] of sequence.entries()) {
          calls++;
          const [want, got] = [await send(real, call), await send(builtin, call)];
          // A failed reset names the first proxy that could not start, in Go's random map order.
          const failedReset = call.method === 'POST' && call.path === '/reset' && want.status !== 204;
          if (want.status !== got.status || (want.body !== got.body && !failedReset)) {
            mismatches.push(
              `seed ${seed} call ${i}: ${show(call)}\n        real:     ${want.status} ${want.body.trim()}\n        built-in: ${got.status} ${got.body.trim()}`,
            );
            // Later answers depend on this one's effect; the next seed starts afresh.
            break;
          }
          if (failedReset) {
            // A reset that fails on one proxy (its port taken) stops there, and real Toxiproxy walks
            // its proxies in Go's random map order: which ones it re-enabled first is not defined.
            cutShort.push(`seed ${seed} at call ${i}`);
            break;
          }
        }
      } finally {
        await Promise.all([real.stop(), builtin.stop()]);
      }
    }
    // eslint-disable-next-line no-console
    if (cutShort.length) console.log(`      ${calls} calls; sequences ended early after a failed reset (order undefined in Toxiproxy): ${cutShort.join(', ')}`);
    assert.ok(calls > SEEDS, 'sequences ran');
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${SEEDS} sequences diverged (replay one with TOXIPROXY_DIFF_SEED=<seed> TOXIPROXY_DIFF_SEEDS=1):\n      ${mismatches.join('\n      ')}`);
  });

  it('counts proxied bytes in /metrics as real Toxiproxy does (-proxy-metrics)', async () => {
    const upstream = await startTcpServer((sock) => {
      sock.on('data', (d) => sock.write(Buffer.concat([d, d, d])));
      sock.on('end', () => sock.end());
      sock.on('error', () => {});
    });
    const taken = new Set<string>();
    const sides = [await startReal(tool, await freePorts(1, taken)), await startBuiltin(await freePorts(1, taken))];
    try {
      const bodies: string[] = [];
      for (const side of sides) {
        const created = await fetch(`${side.url}/proxies`, {
          method: 'POST',
          body: JSON.stringify({ name: 'm', listen: `127.0.0.1:${side.ports[0]}`, upstream: `127.0.0.1:${upstream.port}` }),
        });
        assert.equal(created.status, 201);
        for (const message of ['hello', 'x'.repeat(400_000)]) {
          const sock = net.connect({ host: '127.0.0.1', port: Number(side.ports[0]) });
          let got = 0;
          // Toxiproxy 2.4 closes both sockets on a half-close, so the client ends only once all came back.
          sock.on('data', (d) => (got += d.length) >= message.length * 3 && sock.end());
          sock.write(message);
          await new Promise((r) => sock.once('close', r));
          assert.equal(got, message.length * 3);
        }
        // Toxiproxy adds a link's bytes when its copy returns, just after the sockets close.
        let body = '';
        for (let i = 0; i < 50 && !body.includes('sent_bytes_total{direction="downstream"'); i++) {
          await new Promise((r) => setTimeout(r, 20));
          body = await (await fetch(`${side.url}/metrics`)).text();
        }
        bodies.push(body.replaceAll(`127.0.0.1:${side.ports[0]}`, '127.0.0.1:$P0'));
      }
      assert.equal(bodies[1], bodies[0]);
      assert.match(bodies[0], /toxiproxy_proxy_sent_bytes_total\{direction="downstream",listener="127.0.0.1:\$P0",proxy="m",upstream="[^"]+"\} 1\.200015e\+06/);
    } finally {
      await Promise.all(sides.map((x) => x.stop()));
      await upstream.close();
    }
  });
});
