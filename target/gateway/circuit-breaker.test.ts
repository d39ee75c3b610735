import assert from 'node:assert/strict';
import { BreakerOpenError, CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let t = 0;
  const now = () => t;
  const ok = () => Promise.resolve('ok');
  const boom = () => Promise.reject(new Error('boom'));
  beforeEach(() => (t = 1000));

  it('opens after N consecutive failures, fails fast while open, probes once half-open and closes on success', async () => {
    const changes: string[] = [];
    const b = new CircuitBreaker({ failureThreshold: 3, openMs: 500, now, onStateChange: (f, to) => changes.push(`${f}->${to}`) });
    for (let i = 0; i < 2; i++) await assert.rejects(b.exec(boom), /boom/);
    assert.equal(b.state, 'closed');
    await assert.rejects(b.exec(boom), /boom/);
    assert.equal(b.state, 'open');
    assert.equal(b.trips, 1);
    let called = false;
    await assert.rejects(b.exec(async () => (called = true)), BreakerOpenError);
    assert.equal(called, false);
    t += 500;
    assert.equal(b.state, 'half-open');
    assert.equal(await b.exec(ok), 'ok');
    assert.equal(b.state, 'closed');
    assert.deepEqual(changes, ['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('a failed probe reopens it; calls during the probe wait for its verdict instead of failing', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 100, now });
    await assert.rejects(b.exec(boom));
    t += 100;
    let release!: () => void;
    let ran = 0;
    const probe = b.exec(() => new Promise<void>((r) => (release = r)));
    assert.equal(b.state, 'half-open');
    const waiting = b.exec(async () => ++ran);
    await new Promise((r) => setImmediate(r));
    assert.equal(ran, 0, 'only the probe runs while it is in flight');
    release();
    await probe;
    assert.equal(await waiting, 1, 'the waiting call ran once the probe closed the breaker');
    assert.equal(b.state, 'closed');

    await assert.rejects(b.exec(boom));
    t += 100;
    let fail!: (e: Error) => void;
    const probe2 = b.exec(() => new Promise<void>((_, rej) => (fail = rej)));
    const waiting2 = b.exec(async () => ++ran);
    fail(new Error('still down'));
    await assert.rejects(probe2, /still down/);
    await assert.rejects(waiting2, BreakerOpenError, 'the waiting call fails fast once the probe reopened it');
    assert.equal(ran, 1);
    assert.equal(b.state, 'open');
    assert.equal(b.trips, 3);
  });

  it('the open interval starts at minOpenMs, doubles after each failed probe up to openMs, and resets on close', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 1000, minOpenMs: 200, now });
    await assert.rejects(b.exec(boom));
    const intervals: number[] = [];
    for (let i = 0; i < 4; i++) {
      intervals.push(b.openIntervalMs);
      t += b.openIntervalMs - 1;
      assert.equal(b.state, 'open');
      await assert.rejects(b.exec(ok), BreakerOpenError);
      t += 1;
      await assert.rejects(b.exec(boom), /boom/);
    }
    assert.deepEqual(intervals, [200, 400, 800, 1000]);
    assert.equal(b.openIntervalMs, 1000, 'capped at openMs');
    t += 1000;
    await b.exec(ok);
    await assert.rejects(b.exec(boom));
    assert.equal(b.openIntervalMs, 200, 'a fresh trip starts short again');
    assert.ok(b.retryAfterMs() <= 200);
  });

  it('probeNow() lets the next call probe at once (the client reconnected); no-op when closed', async () => {
    const changes: string[] = [];
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 5000, minOpenMs: 5000, now, onStateChange: (f, to) => changes.push(`${f}->${to}`) });
    b.probeNow();
    assert.equal(b.state, 'closed');
    await assert.rejects(b.exec(boom));
    assert.equal(b.state, 'open');
    b.probeNow();
    assert.equal(b.state, 'half-open');
    assert.deepEqual(changes, ['closed->open', 'open->half-open'], 'the gateway logs the reconnect as the breaker going half-open');
    assert.equal(await b.exec(ok), 'ok');
    assert.equal(b.state, 'closed');
  });

  it('a reconnect during a probe that then fails (sent before the reconnect) allows the next probe at once', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 5000, minOpenMs: 5000, now });
    await assert.rejects(b.exec(boom));
    t += 5000;
    let fail!: (e: Error) => void;
    const probe = b.exec(() => new Promise<void>((_, rej) => (fail = rej)));
    b.probeNow();
    fail(new Error("Stream isn't writeable"));
    await assert.rejects(probe);
    assert.equal(b.state, 'half-open', 'not open for another 10 s');
    assert.equal(await b.exec(ok), 'ok');
    assert.equal(b.state, 'closed');
    // Without a reconnect, a failed probe reopens it as usual.
    await assert.rejects(b.exec(boom));
    t += 5000;
    await assert.rejects(b.exec(boom));
    assert.equal(b.state, 'open');
  });

  it('defaults: the first open interval is min(500 ms, openMs)', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 5000, now });
    await assert.rejects(b.exec(boom));
    assert.equal(b.openIntervalMs, 500);
    const small = new CircuitBreaker({ failureThreshold: 1, openMs: 100, now });
    await assert.rejects(small.exec(boom));
    assert.equal(small.openIntervalMs, 100);
  });

  it('a success resets the consecutive-failure count', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, openMs: 100, now });
    await assert.rejects(b.exec(boom));
    await b.exec(ok);
    await assert.rejects(b.exec(boom));
    assert.equal(b.state, 'closed');
  });
});
