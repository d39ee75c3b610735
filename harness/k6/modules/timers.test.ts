import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../conformance/run-script';
import { runOnce } from './module-test-helpers';

describe('k6 modules: k6/experimental/timers', () => {
  it('runs timeouts and intervals after the default function, in time order, and the iteration waits for them', async () => {
    // Real k6 v0.48 printed the same lines in the same order for this script.
    const { logs, outcomes } = await runOnce(`
      import { setTimeout, clearTimeout, setInterval, clearInterval } from 'k6/experimental/timers';
      export default function () {
        let n = 0;
        const id = setInterval(() => { n++; console.log('tick', n); if (n === 3) clearInterval(id); }, 20);
        const c = setTimeout(() => console.log('never'), 10);
        clearTimeout(c);
        console.log('ids', typeof id, id, typeof c, c);
        setTimeout((a, b) => { console.log('args', a, b); setTimeout(() => { console.log('nested'); }, 5); }, 30, 'x', 2);
        console.log('end of default');
      }`);
    // Real k6 printed: ids, end of default, tick 1, args x 2, nested, tick 2, tick 3. Which of
    // 'nested' (due 5 ms after 'args' ran) and 'tick 2' (20 ms after 'tick 1' ran) comes first
    // depends on how late those two ran; every other order follows from the delays.
    assert.deepEqual([...logs].sort(), ['args x 2', 'end of default', 'ids number 1 number 2', 'nested', 'tick 1', 'tick 2', 'tick 3']);
    const before = (a: string, b: string) => assert.ok(logs.indexOf(a) < logs.indexOf(b), `${a} before ${b}: ${JSON.stringify(logs)}`);
    assert.deepEqual(logs.slice(0, 2), ['ids number 1 number 2', 'end of default'], 'timers run after the default function');
    for (const [a, b] of [['tick 1', 'args x 2'], ['args x 2', 'tick 2'], ['tick 2', 'tick 3'], ['args x 2', 'nested']]) before(a, b);
    assert.equal(outcomes[0].status, 'completed');
    assert.ok(outcomes[0].durationMs >= 55, `iteration lasted ${outcomes[0].durationMs} ms`);
  });

  it('holds callbacks during a blocking call; an exception in one fails the iteration and stops the rest with k6 warning', async () => {
    // Real k6 v0.48: "after sleep", the warning, then the error; ids go on counting per VU (2, then 4).
    const { logs, outcomes } = await runOnce(`
      import { setTimeout } from 'k6/experimental/timers';
      import { sleep } from 'k6';
      export default function () {
        setTimeout(() => { throw new Error('boom in timer'); }, 5);
        setTimeout(() => { console.log('after boom'); }, 1000);
        sleep(0.05);
        console.log('after sleep');
      }`, { iterations: 2 });
    assert.deepEqual(logs.filter((l) => !l.startsWith('error')), [
      'after sleep', 'warn: setTimeout 2 was stopped because the VU iteration was interrupted',
      'after sleep', 'warn: setTimeout 4 was stopped because the VU iteration was interrupted',
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['failed', 'failed']);
    assert.match(String((outcomes[0] as { error: Error }).error.message), /boom in timer/);
  });

  it('callbacks due during a blocking call all run after it, even past one that throws (as k6 v0.48)', async () => {
    const { logs, outcomes } = await runOnce(`
      import { setTimeout } from 'k6/experimental/timers';
      import { sleep } from 'k6';
      export default function () {
        setTimeout(() => { throw new Error('boom in timer'); }, 5);
        setTimeout(() => { console.log('after boom'); }, 20);
        sleep(0.2);
        console.log('after sleep');
      }`);
    assert.deepEqual(logs.filter((l) => !l.startsWith('error')), ['after sleep', 'after boom']);
    assert.equal(outcomes[0].status, 'failed');
  });

  it('a Promise resolved by setTimeout can be awaited (async default function)', async () => {
    const { logs } = await runOnce(`
      import { setTimeout } from 'k6/experimental/timers';
      const delay = (ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms));
      export default async function () {
        const t0 = Date.now();
        const v = await delay(20);
        console.log(v, Date.now() - t0 >= 19);
      }`);
    assert.deepEqual(logs, ['20 true']);
  });

  it('timers set by init code run before init ends (real k6 v0.48 printed "init timer" once per VU init)', async () => {
    const { logs } = await runOnce(`
      import { setTimeout } from 'k6/experimental/timers';
      setTimeout(() => { console.log('init timer'); }, 1);
      export default function () {}`);
    // the probe VU that reads the exports, then VU 1
    assert.deepEqual(logs, ['init timer', 'init timer']);
  });

  it('a hard stop cuts an endless interval with k6 warning; teardown still runs (harness k6 run, as real k6 v0.48)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k6-timers-'));
    try {
      await writeFile(join(dir, 'hs.js'), `
        import { setInterval } from 'k6/experimental/timers';
        export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
        export default function () { setInterval(() => {}, 10); }
        export function teardown() { console.log('teardown ran'); }`);
      const r = await runScript(join(dir, 'hs.js'), { flags: ['-q'] });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /level=warning msg="setInterval 1 was stopped because the VU iteration was interrupted"/);
      assert.match(r.stderr, /teardown ran/);
      assert.equal(r.count('iterations'), 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
