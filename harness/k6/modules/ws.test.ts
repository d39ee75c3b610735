import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../conformance/run-script';
import { consoleLines, startServer } from './ws-test-server';

/**
 * k6/ws through `harness k6 run` (in-process) against a real `ws` server on an ephemeral loopback
 * port. Every expectation (console lines, metric counts, tag sets) is what real k6 v0.48 printed
 * and emitted for the same script and server.
 */

describe('k6 modules: k6/ws (real ws server, through harness k6 run)', function () {
  let srv: { port: number; close(): Promise<void> };
  let dir: string;
  before(async () => {
    srv = await startServer();
    dir = await mkdtemp(join(tmpdir(), 'k6-ws-'));
  });
  after(async () => {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (name: string, src: string, flags = ['--iterations', '1']) => {
    await writeFile(join(dir, name), src);
    return runScript(join(dir, name), { flags: [...flags, '-q', '--env', `WSPORT=${srv.port}`] });
  };

  it('events in k6 order, send/sendBinary/ping/socket timers, server close 4000 → error + close, failed dial, ws_* metrics and tags', async () => {
    const r = await run('w1.js', `
      import ws from 'k6/ws';
      import { check } from 'k6';
      export default function () {
        const url = \`ws://127.0.0.1:\${__ENV.WSPORT}/greet?x=1\`;
        const res = ws.connect(url, { tags: { my: 't' } }, function (socket) {
          socket.on('open', () => { console.log('open'); socket.send('a'); socket.send('b'); socket.ping(); socket.sendBinary(new Uint8Array([9, 8]).buffer); });
          socket.on('message', (m) => { console.log('message', typeof m, m); });
          socket.on('binaryMessage', (m) => { console.log('binary', m.byteLength, new Uint8Array(m)[0]); });
          socket.on('pong', () => console.log('pong'));
          socket.on('close', (c) => console.log('close', c));
          socket.on('error', (e) => console.log('error', e.error()));
          socket.setTimeout(() => { console.log('timeout'); socket.send('close-me'); }, 100);
          let n = 0;
          socket.setInterval(() => { n++; }, 20);
        });
        console.log('res', res.status, JSON.stringify(Object.keys(res)), res.error === '', typeof res.body);
        check(res, { '101': (r) => r && r.status === 101 });
        const bad = ws.connect('ws://127.0.0.1:1/', null, () => { console.log('never'); });
        console.log('bad', bad.status, bad.error);
      }`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), [
      'open', 'message string hello', 'message string echo:a', 'message string echo:b', 'pong', 'binary 2 9', 'timeout',
      'error websocket: close 4000: bye', 'close 4000',
      'res 101 ["url","status","headers","body","error"] true string',
      'bad 0 dial tcp 127.0.0.1:1: connect: connection refused',
    ]);
    const url = `ws://127.0.0.1:${srv.port}/greet?x=1`;
    const tags = { group: '', my: 't', scenario: 'default', status: '101', subproto: '', url };
    for (const [metric, n] of [['ws_sessions', 1], ['ws_connecting', 1], ['ws_msgs_sent', 4], ['ws_msgs_received', 4], ['ws_ping', 1], ['ws_session_duration', 1]] as const) {
      const got = r.samples.filter((s) => s.metric === metric && s.tags.url === url);
      assert.equal(got.length, n, metric);
      for (const s of got) assert.deepEqual({ ...s.tags }, tags, metric);
    }
    const failed = r.samples.filter((s) => s.tags.url === 'ws://127.0.0.1:1/');
    assert.deepEqual(failed.map((s) => [s.metric, { ...s.tags }]), ['ws_sessions', 'ws_connecting', 'ws_session_duration'].map((m) => [m, { group: '', scenario: 'default', url: 'ws://127.0.0.1:1/' }]));
    const duration = r.samples.find((s) => s.metric === 'ws_session_duration' && s.tags.url === url)!;
    assert.ok(duration.value >= 100, `session lasted ${duration.value} ms`);
    assert.ok(r.sum('data_sent') > 150 && r.sum('data_received') > 100, 'ws bytes count in data_sent/data_received');
  });

  it('close codes: close() sends 1001, close(4001); sends after close() count, frames after it are dropped; a throwing handler closes (1001) and fails the iteration', async () => {
    const r = await run('w2.js', `
      import ws from 'k6/ws';
      export default function () {
        const base = \`ws://127.0.0.1:\${__ENV.WSPORT}\`;
        ws.connect(base + '/a', {}, (s) => { s.on('open', () => s.close()); s.on('close', (c) => console.log('client close()', c)); s.on('error', (e) => console.log('err1', e.error())); });
        ws.connect(base + '/a', {}, (s) => { s.on('open', () => s.close(4001)); s.on('close', (c) => console.log('client close(4001)', c)); s.on('error', (e) => console.log('err2', e.error())); });
        ws.connect(base + '/a', {}, (s) => { s.on('open', () => { s.send('x'); s.close(); s.send('after-close'); }); s.on('message', (m) => console.log('msg3', m)); s.on('close', (c) => console.log('close3', c)); });
        ws.connect(base + '/a', {}, (s) => { s.on('open', () => { throw new Error('handler boom'); }); s.on('close', (c) => console.log('close4', c)); });
        console.log('after 4');
      }`);
    assert.deepEqual(consoleLines(r), ['client close() 1001', 'client close(4001) 4001', 'close3 1001', 'close4 1001']);
    assert.match(r.stderr, /level=error msg="Error: handler boom/);
    assert.equal(r.count('ws_sessions'), 4);
    assert.equal(r.count('ws_msgs_sent'), 2);
    assert.equal(r.count('ws_msgs_received'), 0);
  });

  it('server closes: 1000/1001 quietly, 1005 and 1006 with gorilla error texts; server pings reach on("ping")', async () => {
    const r = await run('w3.js', `
      import ws from 'k6/ws';
      export default function () {
        const base = \`ws://127.0.0.1:\${__ENV.WSPORT}\`;
        for (const cmd of ['close:1000', 'close:1001', 'close-none', 'terminate', 'ping-me']) {
          const r = ws.connect(base + '/a', (s) => {
            s.on('open', () => s.send(cmd));
            s.on('ping', () => { console.log(cmd, 'ping'); s.close(); });
            s.on('close', (c) => console.log(cmd, 'close', c));
            s.on('error', (e) => console.log(cmd, 'error', e.error()));
          });
          console.log(cmd, 'res', r.status);
        }
      }`);
    assert.deepEqual(consoleLines(r), [
      'close:1000 close 1000', 'close:1000 res 101',
      'close:1001 close 1001', 'close:1001 res 101',
      'close-none error websocket: close 1005 (no status)', 'close-none close 1005', 'close-none res 101',
      'terminate error websocket: close 1006 (abnormal closure): unexpected EOF', 'terminate close 1006', 'terminate res 101',
      'ping-me ping', 'ping-me close 1001', 'ping-me res 101',
    ]);
  });

  it('params.jar (the VU jar by default; a Cookie header replaces it), handshake Set-Cookie into the jar, compression: deflate, as real k6 v0.48', async () => {
    const r = await run('w-jar.js', `
      import ws from 'k6/ws';
      import http from 'k6/http';
      export default function () {
        const base = \`ws://127.0.0.1:\${__ENV.WSPORT}\`;
        const origin = \`http://127.0.0.1:\${__ENV.WSPORT}/\`;
        http.cookieJar().set(origin, 'vujar', 'a');
        const hdr = (path, params) => {
          let got = null;
          ws.connect(base + path, params, (s) => {
            s.on('message', (m) => { if (m.startsWith('hdr:')) { got = JSON.parse(m.slice(4)); s.close(); } });
          });
          return got;
        };
        const a = hdr('/headers', null);
        console.log('default jar', a.cookie, a.ext);
        const j = new http.CookieJar();
        j.set(origin, 'own', 'b');
        console.log('own jar', hdr('/headers', { jar: j }).cookie, hdr('/headers', { jar: j, headers: { Cookie: 'h=1' } }).cookie);
        const c = hdr('/headers', { compression: 'deflate' });
        console.log('deflate offered', c.ext !== null && c.ext.startsWith('permessage-deflate'));
        const res = ws.connect(base + '/cookie', {}, (s) => s.close());
        console.log('cookie status', res.status, JSON.stringify(http.cookieJar().cookiesForURL(origin)));
        try { ws.connect(base + '/headers', { compression: 'gzip' }, (s) => s.close()); } catch (e) { console.log('gzip', e.message); }
      }`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), [
      'default jar vujar=a null',
      'own jar own=b h=1',
      'deflate offered true',
      'cookie status 101 {"vujar":["a"],"fromws":["1"]}',
      "gzip unsupported compression algorithm 'gzip', supported algorithm is 'deflate'",
    ]);
  });

  it('is refused in the init context', async () => {
    const r = await run('w4.js', `import ws from 'k6/ws'; ws.connect('ws://127.0.0.1:1/', () => {}); export default function () {}`);
    assert.equal(r.code, 107);
    assert.match(r.stderr, /using websockets in the init context is not supported/);
  });

  it('a hard stop ends a session that never closes; the run exits 0 and teardown runs (as real k6 v0.48: no ws_session_duration)', async () => {
    const r = await run('w5.js', `
      import ws from 'k6/ws';
      export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
      export default function () {
        ws.connect(\`ws://127.0.0.1:\${__ENV.WSPORT}/a\`, (s) => { s.on('open', () => s.setInterval(() => s.send('tick'), 50)); });
      }
      export function teardown() { console.log('teardown ran'); }`, []);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), ['teardown ran']);
    assert.equal(r.count('ws_session_duration'), 0);
    assert.equal(r.count('ws_sessions'), 1);
    assert.equal(r.count('iterations'), 0);
    assert.ok(r.count('ws_msgs_sent') >= 3);
  });
});
