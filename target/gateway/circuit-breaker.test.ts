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

  it('a failed probe reopens it, and only one probe runs at a time', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 100, now });
    await assert.rejects(b.exec(boom));
    t += 100;
    let release!: () => void;
    const probe = b.exec(() => new Promise<void>((r) => (release = r)));
    await assert.rejects(b.exec(ok), BreakerOpenError);
    release();
    await probe;
    assert.equal(b.state, 'closed');
    await assert.rejects(b.exec(boom));
    t += 100;
    await assert.rejects(b.exec(boom), /boom/);
    assert.equal(b.state, 'open');
    assert.equal(b.trips, 3);
  });

  it('a success resets the consecutive-failure count', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, openMs: 100, now });
    await assert.rejects(b.exec(boom));
    await b.exec(ok);
    await assert.rejects(b.exec(boom));
    assert.equal(b.state, 'closed');
  });
});
