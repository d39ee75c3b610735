import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { LazyChildLogger } from './lazy-child-logger';

describe('LazyChildLogger (the per-request logger)', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const log = pino({ level: 'info', base: { component: 'gateway' } }, stream);
    let children = 0;
    const parent = new Proxy(log, { get: (t, k) => (k === 'child' ? (...a: Parameters<typeof log.child>) => (children++, t.child(...a)) : Reflect.get(t, k)) }) as unknown as FastifyBaseLogger;
    return { lines, parent, children: () => children };
  };

  it('makes the pino child only when a line is written, and that line carries the request id', async () => {
    const { lines, parent, children } = capture();
    const child = new LazyChildLogger(parent, { reqId: 'req-1' }, {});
    assert.equal(child.level, 'info');
    child.debug('below the level');
    assert.equal(children(), 1, 'a call at any level makes the child (it decides about the level)');
    const quiet = new LazyChildLogger(parent, { reqId: 'req-2' }, {});
    assert.equal(quiet.level, 'info');
    assert.equal(children(), 1, 'reading the level makes nothing');
    child.warn({ status: 503 }, 'request failed');
    child.error('plain %s', 'message');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      lines.map((l) => [l.reqId, l.component, l.msg, l.status]),
      [
        ['req-1', 'gateway', 'request failed', 503],
        ['req-1', 'gateway', 'plain message', undefined],
      ],
    );
    assert.equal(child.child({ x: 1 }).level, 'info');
  });
});
