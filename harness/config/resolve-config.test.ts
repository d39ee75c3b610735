import assert from 'node:assert/strict';
import { InvalidConfigError } from '../errors';
import { readComposeImages } from './compose-images';
import { FALLBACK_IMAGES, LOCAL_INFLUX_TOKEN, redactConfig, resolveConfig } from './resolve-config';

const cwd = process.cwd();

describe('config: resolveConfig', () => {
  it('precedence: defaults < file < env < flags', () => {
    const base = resolveConfig({ cwd, env: {} }).config;
    assert.equal(base.runtime.name, 'auto');
    const fileOnly = resolveConfig({ cwd, env: {}, file: { runtime: { name: 'docker' }, run: { vus: 3 } } }).config;
    assert.equal(fileOnly.runtime.name, 'docker');
    const withEnv = resolveConfig({ cwd, env: { HARNESS_RUNTIME: 'local', HARNESS_VUS: '4' }, file: { runtime: { name: 'docker' }, run: { vus: 3 } } }).config;
    assert.deepEqual([withEnv.runtime.name, withEnv.run.vus], ['local', 4]);
    const withFlags = resolveConfig({ cwd, env: { HARNESS_RUNTIME: 'local' }, file: { runtime: { name: 'docker' } }, flags: { runtime: 'external', targetUrl: 'http://127.0.0.1:9', vus: 7, env: ['A=1=2'], tag: ['t=x'] } }).config;
    assert.deepEqual([withFlags.runtime.name, withFlags.run.vus, withFlags.run.env.A, withFlags.run.tags.t], ['external', 7, '1=2', 'x']);
  });

  it('reports every problem at once with dot-paths', () => {
    assert.throws(
      () =>
        resolveConfig({
          cwd,
          env: { HARNESS_VUS: 'many' },
          file: { runtime: { name: 'cloud' as never }, ports: { grafana: 70000 }, bogus: 1 } as never,
          flags: { duration: '10 parsecs', out: ['json', 'kafka'], env: ['NOEQUALS'], engine: 'k7' },
        }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidConfigError);
        assert.equal(e.exitCode, 104);
        const text = e.problems.join('\n');
        for (const needle of ['bogus: unknown key', 'runtime.name: "cloud"', 'ports.grafana', 'HARNESS_VUS: must be an integer', 'run.duration: "10 parsecs"', 'run.outputs[1]: "kafka"', '--env NOEQUALS', 'engine: "k7"']) {
          assert.ok(text.includes(needle), `missing: ${needle}\n${text}`);
        }
        return true;
      },
    );
  });

  it('durations mean what k6 means: a bare number is milliseconds (with a warning), zero is refused', () => {
    const bare = resolveConfig({ cwd, env: {}, flags: { duration: '90' } });
    assert.equal(bare.config.run.duration, '90');
    assert.ok(bare.warnings.some((w) => w.includes('"90" is 90ms') && w.includes('write 90s')), bare.warnings.join('\n'));
    const env = resolveConfig({ cwd, env: { HARNESS_DURATION: '1m30s' } });
    assert.deepEqual([env.config.run.duration, env.warnings.filter((w) => w.startsWith('run.duration'))], ['1m30s', []]);
    assert.throws(() => resolveConfig({ cwd, env: {}, flags: { duration: '0s' } }), (e: unknown) => e instanceof InvalidConfigError && e.problems.some((p) => p.startsWith('run.duration: "0s" is not a positive duration')));
    assert.equal(resolveConfig({ cwd, env: {}, file: { run: { duration: '2d' } } as never }).config.run.duration, '2d');
  });

  it('external needs a URL; the InfluxDB token comes only from env and is never written', () => {
    assert.throws(() => resolveConfig({ cwd, env: {}, flags: { runtime: 'external' } }), /runtime.targetUrl: required/);
    assert.throws(() => resolveConfig({ cwd, env: {}, file: { influxdb: { token: 'x' } as never } }), /influxdb.token: must not be in the config file/);
    const { config } = resolveConfig({ cwd, env: { HARNESS_INFLUXDB_TOKEN: 's3cret' } });
    assert.equal(config.influxdb.token, 's3cret');
    assert.doesNotMatch(JSON.stringify(redactConfig(config)), /s3cret/);
  });

  it('the Toxiproxy API token comes only from env and is never written', () => {
    assert.throws(() => resolveConfig({ cwd, env: {}, file: { toxiproxy: { token: 'x' } as never } }), /toxiproxy.token: must not be in the config file/);
    const { config } = resolveConfig({ cwd, env: { HARNESS_TOXIPROXY_TOKEN: 't0ken' } });
    assert.equal(config.toxiproxy.token, 't0ken');
    assert.doesNotMatch(JSON.stringify(redactConfig(config)), /t0ken/);
  });

  it('the InfluxDB defaults are the local stack: URL on ports.influxdb, the local token only for a loopback URL', () => {
    const d = resolveConfig({ cwd, env: {} }).config;
    assert.equal(d.influxdb.url, 'http://127.0.0.1:8086');
    assert.equal(d.influxdb.token, LOCAL_INFLUX_TOKEN);
    assert.equal(resolveConfig({ cwd, env: {}, file: { ports: { influxdb: 18086 } } }).config.influxdb.url, 'http://127.0.0.1:18086');
    assert.equal(resolveConfig({ cwd, env: {}, file: { ports: { influxdb: 18086 }, influxdb: { url: 'http://127.0.0.1:9999' } } }).config.influxdb.url, 'http://127.0.0.1:9999');
    assert.equal(resolveConfig({ cwd, env: { INFLUX_URL: 'http://localhost:7' }, file: { ports: { influxdb: 18086 } } }).config.influxdb.url, 'http://localhost:7');
    assert.equal(resolveConfig({ cwd, env: { INFLUX_URL: 'https://influx.example' } }).config.influxdb.token, undefined, 'never sent beyond this machine');
    assert.equal(resolveConfig({ cwd, env: { INFLUX_TOKEN: 'mine' } }).config.influxdb.token, 'mine');
    assert.equal(redactConfig(d).influxdb.token, '<redacted>');
    assert.equal(d.runtime.pullStallTimeoutMs, 10_000);
    assert.equal(resolveConfig({ cwd, env: { HARNESS_PULL_STALL_TIMEOUT_MS: '1500' } }).config.runtime.pullStallTimeoutMs, 1500);
    assert.throws(() => resolveConfig({ cwd, env: { HARNESS_PULL_STALL_TIMEOUT_MS: 'soon' } }), /HARNESS_PULL_STALL_TIMEOUT_MS: must be an integer/);
  });

  it('image tags come from compose.yml (and the fallbacks match it)', () => {
    const compose = readComposeImages(cwd);
    assert.equal(compose.toxiproxy, 'ghcr.io/shopify/toxiproxy:2.4.0');
    const { images } = resolveConfig({ cwd, env: {} }).config;
    assert.deepEqual(
      { redis: images.redis, toxiproxy: images.toxiproxy, influxdb: images.influxdb, grafana: images.grafana, target: images.target },
      { redis: compose.redis, toxiproxy: compose.toxiproxy, influxdb: compose.influxdb, grafana: compose.grafana, target: compose.gateway },
    );
    assert.deepEqual(FALLBACK_IMAGES, { redis: compose.redis, toxiproxy: compose.toxiproxy, influxdb: compose.influxdb, grafana: compose.grafana, target: compose.gateway });
  });
});
