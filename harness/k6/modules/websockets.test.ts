import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../conformance/run-script';
import { consoleLines, startServer } from './ws-test-server';

/**
 * k6/experimental/websockets through `harness k6 run` (in-process) against a real `ws` server on
 * an ephemeral loopback port. Expectations are what real k6 v0.48 printed and emitted for the
 * same scripts (only lines whose order depends on network timing are left out).
 */
describe('k6 modules: k6/experimental/websockets (real ws server, through harness k6 run)', function () {
  let srv: { port: number; close(): Promise<void> };
  let dir: string;
  before(async () => {
    srv = await startServer();
    dir = await mkdtemp(join(tmpdir(), 'k6-wss-'));
  });
  after(async () => {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (name: string, src: string, iterations = 1) => {
    await writeFile(join(dir, name), src);
    return runScript(join(dir, name), { flags: ['--iterations', String(iterations), '-q', '--env', `WSPORT=${srv.port}`] });
  };

  it('event objects, readyState, onX before listeners, binary data, pong; send after close() throws InvalidStateError; failed dial: error + close', async () => {
    const r = await run('x1.js', `
      import { WebSocket } from 'k6/experimental/websockets';
      import { setTimeout } from 'k6/experimental/timers';
      export default function () {
        const url = \`ws://127.0.0.1:\${__ENV.WSPORT}/greet\`;
        const ws = new WebSocket(url, null, { tags: { my: 't' } });
        console.log('state0', ws.readyState, ws.binaryType, ws.bufferedAmount, typeof ws.protocol);
        ws.onopen = (e) => { console.log('open', ws.readyState, e && e.type); ws.send('a'); ws.send(new Uint8Array([7, 6]).buffer); ws.ping(); };
        ws.addEventListener('message', (e) => { console.log('listener', e.type, typeof e.data); });
        ws.onmessage = (e) => { console.log('message', e.type, typeof e.data, typeof e.data === 'string' ? e.data : e.data.constructor.name, JSON.stringify(Object.keys(e))); };
        ws.addEventListener('pong', () => console.log('pong'));
        ws.onclose = (e) => console.log('close', e.type, e.code, ws.readyState);
        setTimeout(() => { ws.close(); console.log('after close', ws.readyState); ws.send('x'); }, 100);
        const bad = new WebSocket('ws://127.0.0.1:1/');
        bad.onerror = (e) => console.log('bad error', e.type, e.error, bad.readyState);
        bad.onclose = (e) => console.log('bad close', e.code);
      }`);
    assert.deepEqual(consoleLines(r), [
      'state0 0 ArrayBuffer 0 undefined',
      'bad error error dial tcp 127.0.0.1:1: connect: connection refused 3', 'bad close undefined',
      'open 1 open',
      'message message string hello ["type","target","timestamp","data","origin"]', 'listener message string',
      'message message string echo:a ["type","target","timestamp","data","origin"]', 'listener message string',
      'message message object ArrayBuffer ["type","target","timestamp","data","origin"]', 'listener message object',
      'pong', 'after close 2',
    ]);
    assert.match(r.stderr, /level=error msg="GoError: InvalidStateError/);
    const url = `ws://127.0.0.1:${srv.port}/greet`;
    const tags = { group: '', my: 't', scenario: 'default', status: '101', subproto: '', url };
    // a, the binary message and the ping count as sent; the session never finished (the iteration threw)
    for (const [metric, n] of [['ws_sessions', 1], ['ws_connecting', 1], ['ws_msgs_sent', 3], ['ws_msgs_received', 3], ['ws_ping', 1], ['ws_session_duration', 0]] as const) {
      const got = r.samples.filter((s) => s.metric === metric && s.tags.url === url);
      assert.equal(got.length, n, metric);
      for (const s of got) assert.deepEqual({ ...s.tags }, tags, metric);
    }
    assert.deepEqual(
      r.samples.filter((s) => s.tags.url === 'ws://127.0.0.1:1/').map((s) => [s.metric, { ...s.tags }]),
      ['ws_sessions', 'ws_connecting'].map((m) => [m, { group: '', scenario: 'default', url: 'ws://127.0.0.1:1/' }]),
    );
  });

  it('a server close 4000 fires error (gorilla text) then close without code', async () => {
    const r = await run('x4.js', `
      import { WebSocket } from 'k6/experimental/websockets';
      export default function () {
        const s = new WebSocket(\`ws://127.0.0.1:\${__ENV.WSPORT}/b\`);
        s.onopen = () => s.send('close-me');
        s.onerror = (e) => console.log('srv error', e.error);
        s.onclose = (e) => console.log('srv close', e.code, e.reason);
      }`);
    assert.deepEqual(consoleLines(r), ['srv error websocket: close 4000: bye', 'srv close undefined undefined']);
    assert.equal(r.code, 0);
  });

  it('the iteration lasts until the socket is closed; timers, sleep in a handler; close() and ping() count as sent messages', async () => {
    const r = await run('x2.js', `
      import { WebSocket } from 'k6/experimental/websockets';
      import { setInterval, clearInterval } from 'k6/experimental/timers';
      import { sleep } from 'k6';
      export default function () {
        const ws = new WebSocket(\`ws://127.0.0.1:\${__ENV.WSPORT}/a\`);
        let got = 0;
        ws.onopen = () => {
          console.log('open');
          const id = setInterval(() => { ws.send('n' + got); }, 10);
          ws.onmessage = (e) => {
            got++;
            console.log('got', e.data);
            if (got === 3) { clearInterval(id); sleep(0.02); ws.close(); }
          };
        };
        ws.onclose = () => console.log('closed', ws.readyState);
        console.log('end of default', ws.readyState);
      }`, 2);
    assert.equal(r.code, 0, r.stderr);
    const one = ['end of default 0', 'open', 'got echo:n0', 'got echo:n1', 'got echo:n2', 'closed 3'];
    assert.deepEqual(consoleLines(r), [...one, ...one]);
    // real k6 v0.48: 8 sent (3 sends + the close, twice), 6 received, 2 sessions
    assert.equal(r.count('ws_msgs_sent'), 8);
    assert.equal(r.count('ws_msgs_received'), 6);
    assert.equal(r.count('ws_sessions'), 2);
    assert.equal(r.count('ws_session_duration'), 2);
    for (const d of r.samples.filter((s) => s.metric === 'iteration_duration')) assert.ok(d.value >= 50, `iteration lasted ${d.value} ms`);

    const r3 = await run('x3.js', `
      import { WebSocket } from 'k6/experimental/websockets';
      export default function () {
        const a = new WebSocket(\`ws://127.0.0.1:\${__ENV.WSPORT}/a\`);
        a.onopen = () => a.close();
        const b = new WebSocket(\`ws://127.0.0.1:\${__ENV.WSPORT}/b\`);
        b.onopen = () => { b.ping(); };
        b.onpong = () => { b.close(); };
      }`);
    assert.equal(r3.count('ws_msgs_sent', { url: `ws://127.0.0.1:${srv.port}/a` }), 1);
    assert.equal(r3.count('ws_msgs_sent', { url: `ws://127.0.0.1:${srv.port}/b` }), 2);
  });
});
