import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { defaults, LOCAL_INFLUX_TOKEN, parseComposeFile } from '../../config';
import { which } from '../../setup';
import { ManagedContainer } from './managed-container';
import { observabilityEndpoints, observabilitySpecs } from './observability-stack';

/**
 * `docker compose --profile observability up` and `harness up --observability` must define the
 * same InfluxDB and Grafana. The harness builds its containers from compose.yml; these tests read
 * compose.yml independently (plain YAML, and Debian's `docker-compose config` when installed) and
 * compare with what dockerode is given.
 */
describe('harness up --observability = compose.yml profile observability', () => {
  const root = resolve('.');
  const runId = '20260101T000000-up-0bs0';
  let text: string;
  before(async () => (text = await readFile(join(root, 'compose.yml'), 'utf8')));

  /** The docker create options the harness uses, by service name. */
  function created(env: Record<string, string | undefined>) {
    const specs = observabilitySpecs(parseComposeFile(text, env), { cwd: root, runId, runDir: '/tmp/run' });
    return Object.fromEntries(specs.map((s) => [s.component, ManagedContainer.createOptions(s, runId)]));
  }

  /** What a Compose implementation makes of a service: image, env, binds, ports (canonical strings). */
  interface Canonical {
    image: string;
    command: string[];
    env: Record<string, string>;
    binds: string[];
    ports: string[];
  }

  function fromCreateOptions(o: ReturnType<typeof created>[string]): Canonical {
    return {
      image: o.Image!,
      command: o.Cmd ? ([] as string[]).concat(o.Cmd) : [],
      env: Object.fromEntries((o.Env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
      binds: o.HostConfig?.Binds ?? [],
      ports: Object.entries(o.HostConfig?.PortBindings ?? {}).flatMap(([cport, bs]) => (bs as { HostIp: string; HostPort: string }[]).map((b) => `${b.HostIp}:${b.HostPort}:${cport}`)),
    };
  }

  it('every service of the profile, with its image, environment, mounts and 127.0.0.1 ports, read by plain YAML', () => {
    const doc = parse(text) as { services: Record<string, { image: string; profiles?: string[]; environment: Record<string, string>; volumes?: string[]; ports?: string[] }> };
    const inProfile = Object.entries(doc.services).filter(([, s]) => s.profiles?.includes('observability'));
    const ours = created({});
    assert.deepEqual(Object.keys(ours).sort(), inProfile.map(([n]) => n).sort());
    for (const [name, svc] of inProfile) {
      const c = fromCreateOptions(ours[name]);
      assert.equal(c.image, svc.image, `${name} image`);
      // Compose's default for ${HARNESS_INFLUXDB_TOKEN:-...} when unset
      const env = Object.fromEntries(Object.entries(svc.environment).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));
      assert.deepEqual(c.env, env, `${name} environment`);
      assert.deepEqual(c.binds, (svc.volumes ?? []).map((v) => v.replace(/^\.\//, `${root}/`)), `${name} mounts`);
      assert.deepEqual(c.ports, (svc.ports ?? []).map((p) => `${p}/tcp`), `${name} ports`);
      for (const p of c.ports) assert.match(p, /^127\.0\.0\.1:/, `${name} publishes on loopback only`);
      assert.equal(ours[name].HostConfig?.NetworkMode, `harness-${runId}-observability`);
      assert.deepEqual(ours[name].NetworkingConfig?.EndpointsConfig?.[`harness-${runId}-observability`]?.Aliases, [name], 'reachable by its service name, as in Compose');
      assert.equal(ours[name].Labels?.['harness.run-id'], runId, 'labelled for harness down / reap');
    }
  });

  it('the token follows HARNESS_INFLUXDB_TOKEN in both services, and only the documented default is "local"', () => {
    const dev = created({});
    const set = created({ HARNESS_INFLUXDB_TOKEN: 's3cret' });
    const env = (o: (typeof dev)[string]) => fromCreateOptions(o).env;
    assert.equal(env(dev.influxdb).DOCKER_INFLUXDB_INIT_ADMIN_TOKEN, LOCAL_INFLUX_TOKEN);
    assert.equal(env(dev.grafana).INFLUX_TOKEN, LOCAL_INFLUX_TOKEN);
    assert.equal(env(set.influxdb).DOCKER_INFLUXDB_INIT_ADMIN_TOKEN, 's3cret');
    assert.equal(env(set.grafana).INFLUX_TOKEN, 's3cret');
    const ep = (e: Record<string, string>) => observabilityEndpoints(observabilitySpecs(parseComposeFile(text, e), { cwd: root, runId, runDir: '/tmp/run' }));
    assert.equal(ep({}).localToken, true);
    assert.equal(ep({ HARNESS_INFLUXDB_TOKEN: 's3cret' }).localToken, false);
  });

  it("Grafana's datasource reaches that InfluxDB, and `--out influxdb`'s defaults write to it", async () => {
    const o = created({});
    const influx = fromCreateOptions(o.influxdb).env;
    const grafana = fromCreateOptions(o.grafana).env;
    const influxContainerPort = Object.keys(o.influxdb.HostConfig!.PortBindings!)[0].split('/')[0];
    assert.equal(grafana.INFLUX_URL, `http://influxdb:${influxContainerPort}`);
    assert.equal(grafana.INFLUX_BUCKET, influx.DOCKER_INFLUXDB_INIT_BUCKET);
    assert.equal(grafana.INFLUX_TOKEN, influx.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN);
    assert.equal(grafana.GF_AUTH_ANONYMOUS_ENABLED, 'true');
    // the provisioning reads exactly these variables
    const datasource = await readFile(join(root, 'grafana/datasources/influxdb.yaml'), 'utf8');
    for (const v of datasource.match(/\$\{([A-Z_]+)\}/g) ?? []) assert.ok(v.slice(2, -1) in grafana, `${v} is set in the grafana service`);
    assert.match(fromCreateOptions(o.grafana).binds[0], /\/grafana:\/etc\/grafana\/provisioning:ro$/);

    const d = defaults(root);
    const ep = observabilityEndpoints(observabilitySpecs(parseComposeFile(text, {}), { cwd: root, runId, runDir: '/tmp/run' }));
    assert.equal(ep.influxUrl, d.influxdb.url, 'INFLUX_URL default = the published InfluxDB');
    assert.equal(ep.grafanaUrl, `http://127.0.0.1:${d.ports.grafana}`);
    assert.equal(ep.org, d.influxdb.org);
    assert.equal(ep.bucket, d.influxdb.bucket);
  });

  it('config ports override the published host ports (tests, a busy 3000), nothing else', () => {
    const specs = observabilitySpecs(parseComposeFile(text, {}), { cwd: root, runId, runDir: '/tmp/run', hostPorts: { influxdb: 18086, grafana: 13000 } });
    const ep = observabilityEndpoints(specs);
    assert.equal(ep.influxUrl, 'http://127.0.0.1:18086');
    assert.equal(ep.grafanaUrl, 'http://127.0.0.1:13000');
    assert.deepEqual(fromCreateOptions(ManagedContainer.createOptions(specs[0], runId)).ports, ['127.0.0.1:18086:8086/tcp']);
  });

  it('refuses a profile that publishes beyond loopback or mounts what does not exist', () => {
    const bad = text.replace('"127.0.0.1:3000:3000"', '"3000:3000"').replace('./grafana:', './no-such-dir:');
    assert.throws(() => observabilitySpecs(parseComposeFile(bad, {}), { cwd: root, runId, runDir: '/tmp/run' }), (e: Error) => {
      assert.match(e.message, /must publish on 127\.0\.0\.1 only/);
      assert.match(e.message, /no-such-dir does not exist/);
      return true;
    });
  });

  describe("Debian's docker-compose reads compose.yml the same way", () => {
    let dir: string;
    let compose: string | undefined;
    before(async function () {
      compose = await which('docker-compose', process.env);
      if (!compose) {
        console.log('      skipped: docker-compose is not installed (Debian package docker-compose); the plain-YAML comparison above still ran');
        return this.skip();
      }
      dir = await mkdtemp(join(tmpdir(), 'harness-compose-'));
      // docker-compose 1.29 predates the top-level `name` of the Compose spec
      await writeFile(join(dir, 'compose.yml'), text.replace(/^name:.*$/m, ''));
      await symlink(join(root, 'grafana'), join(dir, 'grafana'));
    });
    after(async () => dir && (await rm(dir, { recursive: true, force: true })));

    for (const env of [{}, { HARNESS_INFLUXDB_TOKEN: 's3cret' }]) {
      it(`docker-compose config --profile observability ${Object.keys(env).length ? 'with' : 'without'} HARNESS_INFLUXDB_TOKEN`, () => {
        const r = spawnSync(compose!, ['-f', 'compose.yml', '--profile', 'observability', 'config'], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, ...env } });
        assert.equal(r.status, 0, r.stderr);
        const resolved = parse(r.stdout) as { services: Record<string, { image: string; command?: string[]; environment?: Record<string, string>; volumes?: string[]; ports?: string[]; profiles?: string[] }> };
        const specs = observabilitySpecs(parseComposeFile(text, env), { cwd: dir, runId, runDir: '/tmp/run' });
        const theirs = Object.entries(resolved.services).filter(([, s]) => s.profiles?.includes('observability'));
        assert.deepEqual(specs.map((s) => s.component).sort(), theirs.map(([n]) => n).sort());
        for (const [name, svc] of theirs) {
          const ours = fromCreateOptions(ManagedContainer.createOptions(specs.find((s) => s.component === name)!, runId));
          assert.deepEqual(ours, { image: svc.image, command: svc.command ?? [], env: svc.environment ?? {}, binds: svc.volumes ?? [], ports: svc.ports ?? [] }, name);
        }
      });
    }
  });
});
