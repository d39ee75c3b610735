import assert from 'node:assert/strict';
import { InvalidConfigError } from '../shared/errors';
import { loadWorkerConfig } from '../worker/config';
import { defaultWorkers, loadGatewayConfig } from './config';

describe('target configuration from the environment', () => {
  it('defaults: PORT 8080, HOST 127.0.0.1, REDIS_URL redis://127.0.0.1:6379, no injected delay', () => {
    const c = loadGatewayConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(c.injectDelayMs, 0);
    assert.ok(c.workers >= 1);
    assert.equal(c.queueHighWater, Math.floor(c.queueCapacity * 0.8));
    assert.equal(c.apiKey, undefined);
    assert.equal(c.rateLimitPerDevice, 0);
  });

  it('WORKERS defaults to the cores minus one (Redis and the worker share the machine), at least 1', () => {
    assert.deepEqual([1, 2, 3, 4, 16].map((cores) => defaultWorkers(cores)), [1, 1, 2, 3, 15]);
    assert.equal(loadGatewayConfig({}).workers, defaultWorkers());
    assert.equal(loadGatewayConfig({ WORKERS: '2' }).workers, 2);
  });

  it('reports every problem at once, each naming its variable', () => {
    const err = (() => {
      try {
        loadGatewayConfig({ PORT: 'eighty', REDIS_URL: 'http://x', WORKERS: '0', TARGET_INJECT_DELAY_MS: '-5', LOG_LEVEL: 'loud', QUEUE_CAPACITY: '10', QUEUE_HIGH_WATER: '11' });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof InvalidConfigError);
    assert.equal(err.exitCode, 104);
    const vars = err.problems.map((p) => p.split(':')[0]);
    assert.deepEqual(vars.sort(), ['LOG_LEVEL', 'PORT', 'QUEUE_HIGH_WATER', 'REDIS_URL', 'TARGET_INJECT_DELAY_MS', 'WORKERS'].sort());
    assert.ok(err.hint);
  });

  it('worker: defaults and validation', () => {
    const w = loadWorkerConfig({ WORKER_PROCESSING_DELAY_MS: '5' });
    assert.equal(w.processingDelayMs, 5);
    assert.equal(w.redisUrl, 'redis://127.0.0.1:6379');
    assert.throws(() => loadWorkerConfig({ WORKER_ID: 'has space', WORKER_BATCH_SIZE: '0' }), (e: InvalidConfigError) => e.problems.length === 2);
  });
});
