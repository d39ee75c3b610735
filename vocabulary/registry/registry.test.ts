import assert from 'node:assert/strict';
import { Registry } from './index';

class UsageError extends Error {
  readonly exitCode = 104;
}

describe('vocabulary/registry', () => {
  const make = () =>
    new Registry<number>({ kind: 'output', reserved: ['auto'], error: (m) => new UsageError(m) })
      .register('json', 1)
      .register('influxdb', 2)
      .retire('csv', 'use --out json and convert');

  it('rejects a duplicate key, a retired key and a reserved one', () => {
    assert.throws(() => make().register('json', 3), /^Error: output "json" is already registered$/);
    assert.throws(() => make().register('csv', 3), /output "csv" is already registered/);
    assert.throws(() => make().register('auto', 3), /"auto" is reserved for output selection/);
  });

  it('an unknown key throws the configured error listing the valid ones (reserved first)', () => {
    assert.throws(() => make().get('kafka'), (e: unknown) => e instanceof UsageError && e.exitCode === 104 && e.message === 'unknown output "kafka"; valid: auto, json, influxdb');
    assert.equal(make().find('kafka'), undefined);
    assert.equal(make().get('influxdb'), 2);
  });

  it('a removed key throws its migration hint', () => {
    assert.throws(() => make().get('csv'), (e: unknown) => e instanceof UsageError && e.message === 'output "csv" was removed: use --out json and convert');
    assert.equal(make().has('csv'), false);
  });

  it('keys in registration order, or sorted', () => {
    assert.deepEqual(make().keys(), ['json', 'influxdb']);
    const sorted = new Registry<number>({ kind: 'executor', sorted: true }).register('b', 1).register('a', 2);
    assert.deepEqual(sorted.keys(), ['a', 'b']);
    assert.deepEqual(sorted.entries(), [['a', 2], ['b', 1]]);
    assert.throws(() => sorted.get('c'), /^Error: unknown executor "c"; valid: a, b$/);
  });
});
