import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { readComposeImages } from '../../config';
import { reap, runsRoot, readUpStates, upStateFile } from '../../run';
import { dockerClient, imageExists, pingDocker } from '../../runtimes/docker';
import { freePort, startHarness, throwawayProject, type RunningHarness } from '../../testing';

const docker = dockerClient(process.env);

/** The bin, with no InfluxDB settings from this machine's environment. */
function harness(cwd: string, args: string[], env: Record<string, string> = {}): RunningHarness {
  return startHarness(args, { cwd, env: { INFLUX_URL: '', INFLUX_TOKEN: '', HARNESS_INFLUXDB_TOKEN: '', ...env }, timeoutMs: 150_000 });
}

/** Docker objects a harness process (by pid) or a run (by id) created. */
async function leftovers(filter: { ownerPid?: number; runId?: string }): Promise<{ containers: string[]; networks: string[] }> {
  const label = filter.runId ? `harness.run-id=${filter.runId}` : `harness.owner-pid=${filter.ownerPid}`;
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  const networks = await docker.listNetworks({ filters: { label: [label] } });
  return { containers: containers.map((c) => c.Names[0]), networks: networks.map((n) => n.Name) };
}

async function project(compose: string, ports: { influxdb: number; grafana: number }): Promise<string> {
  const cwd = await throwawayProject('harness-up-obs-');
  await symlink(resolve('grafana'), join(cwd, 'grafana'));
  await writeFile(join(cwd, 'compose.yml'), compose);
  await writeFile(join(cwd, 'harness.config.mjs'), `export default { ports: ${JSON.stringify(ports)} };\n`);
  return cwd;
}

async function freePorts(): Promise<{ influxdb: number; grafana: number }> {
  return { influxdb: await freePort(), grafana: await freePort() };
}

describe('harness up --observability (the bin, real dockerd)', function () {
  this.timeout(180_000);
  const cwds: string[] = [];
  before(async function () {
    if (!(await pingDocker(docker, 3000))) {
      console.log('      skipped: Docker daemon not reachable (start dockerd or set DOCKER_HOST)');
      this.skip();
    }
  });
  after(async () => {
    for (const cwd of cwds) {
      await reap({ root: runsRoot(cwd), env: process.env, log: () => {} }).catch(() => {});
      await rm(cwd, { recursive: true, force: true });
    }
  });

  describe('images that cannot be pulled: exit 110 in seconds, one line, nothing left', () => {
    const realCompose = readFileSync('compose.yml', 'utf8');

    async function expectNoRegistryFailure(cwd: string, env: Record<string, string>, reason: RegExp) {
      const t0 = Date.now();
      const h = harness(cwd, ['up', '--observability', '--runtime', 'external', '--target-url', 'http://127.0.0.1:9'], env);
      const r = await h.done;
      const ms = Date.now() - t0;
      assert.equal(r.code, 110, `exit code (infra)\n${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line:\n${r.stderr}`);
      assert.match(lines[0], reason);
      assert.match(lines[0], /docker load -i <file>/, 'says what to do');
      assert.match(lines[0], /registry-mirrors/, 'or how to use a mirror');
      assert.equal(r.stdout, '');
      assert.ok(ms < 30_000, `failed in ${ms} ms, not "within seconds"`);
      assert.deepEqual(await leftovers({ ownerPid: h.pid }), { containers: [], networks: [] });
      assert.equal(existsSync(join(cwd, 'reports', 'runs')) ? (await readdir(join(cwd, 'reports', 'runs'))).length : 0, 0, 'not even a run directory');
      assert.deepEqual(await readUpStates(upStateFile(cwd)), []);
    }

    it('a registry whose name does not resolve (the DNS failure this machine has)', async () => {
      // .invalid never resolves (RFC 6761), so this fails the same way on a machine with a registry
      const compose = realCompose.replace(/image: influxdb:/, 'image: harness-test.invalid/influxdb:').replace(/image: grafana\/grafana:/, 'image: harness-test.invalid/grafana:');
      const cwd = await project(compose, await freePorts());
      cwds.push(cwd);
      await expectNoRegistryFailure(cwd, {}, /^observability images missing: harness-test\.invalid\/influxdb:\S+, harness-test\.invalid\/grafana:\S+ not present locally and no image registry reachable \(.*harness-test\.invalid.*\)/);
    });

    it('a registry that accepts connections and never answers: the stall timeout ends it', async () => {
      const sockets: Socket[] = [];
      const silent: Server = createServer((s) => sockets.push(s));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const port = (silent.address() as { port: number }).port;
      try {
        const compose = realCompose.replace(/image: influxdb:/, `image: 127.0.0.1:${port}/influxdb:`).replace(/image: grafana\/grafana:/, `image: 127.0.0.1:${port}/grafana:`);
        const cwd = await project(compose, await freePorts());
        cwds.push(cwd);
        await expectNoRegistryFailure(cwd, { HARNESS_PULL_STALL_TIMEOUT_MS: '1500' }, /no image registry reachable \(stalled: no answer from the registry within 1\.5 s\)/);
        assert.ok(sockets.length > 0, 'the daemon did connect to the silent registry');
      } finally {
        for (const s of sockets) s.destroy();
        silent.close();
      }
    });

    it("the real compose images, when they are not here and no registry is reachable", async function () {
      const images = readComposeImages(resolve('.'));
      const local = await Promise.all([images.influxdb, images.grafana].map((i) => imageExists(docker, i)));
      if (local.some(Boolean)) {
        console.log(`      skipped: ${[images.influxdb, images.grafana].filter((_, i) => local[i]).join(', ')} present locally (the success test covers it)`);
        return this.skip();
      }
      const cwd = await project(realCompose, await freePorts());
      cwds.push(cwd);
      const h = harness(cwd, ['up', '--observability', '--runtime', 'external', '--target-url', 'http://127.0.0.1:9']);
      // where a registry answers, the pull takes minutes: not this test's subject
      const pulling = setTimeout(() => h.kill('SIGINT'), 60_000);
      const r = await h.done;
      clearTimeout(pulling);
      if (r.code === 0 || r.code === 105) {
        if (r.code === 0) await harness(cwd, ['down']).done;
        console.log(`      skipped: a registry is reachable here (the images ${r.code === 0 ? 'were pulled' : 'were being pulled'})`);
        return this.skip();
      }
      assert.equal(r.code, 110, r.stderr);
      assert.match(r.stderr.trim(), new RegExp(`^observability images missing: ${images.influxdb.replace(/[.]/g, '\\.')}, ${images.grafana.replace(/[./]/g, '\\$&')} not present locally and no image registry reachable [^\\n]*docker load[^\\n]*$`));
    });
  });

  /**
   * The dockerode path end to end on this machine, where InfluxDB and Grafana images cannot be
   * had: compose.yml's observability services with the same shape (profile, env, ./grafana mount,
   * 127.0.0.1 ports, depends_on) run stand-in servers from the locally built target image. They
   * answer InfluxDB's /health and /api/v2/buckets (checking org, bucket and token) and Grafana's
   * /api/health, which the stand-in Grafana only passes when it reaches `influxdb` by its name.
   */
  describe('with stand-in images (telemetryhub-target:local): network, ports, mount, labels, teardown', () => {
    const image = 'telemetryhub-target:local';
    before(async function () {
      if (!(await imageExists(docker, image))) {
        console.log(`      skipped: ${image} is not built here (any docker runtime test or \`harness up --runtime docker\` builds it)`);
        this.skip();
      }
    });

    const influxStandIn = `
      const e = process.env;
      let lines = 0;
      require('http').createServer((q, s) => {
        const u = new URL(q.url, 'http://x');
        if (u.pathname === '/health') return void s.end(e.STANDIN_NEVER_READY ? (s.statusCode = 503, 'starting') : '{"status":"pass"}');
        if (u.pathname === '/api/v2/write' && q.method === 'POST') {
          const ok = q.headers.authorization === 'Token ' + e.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN && u.searchParams.get('org') === e.DOCKER_INFLUXDB_INIT_ORG && u.searchParams.get('bucket') === e.DOCKER_INFLUXDB_INIT_BUCKET;
          const parts = [];
          q.on('data', (d) => parts.push(d));
          return void q.on('end', () => {
            let body = Buffer.concat(parts);
            if (q.headers['content-encoding'] === 'gzip') body = require('zlib').gunzipSync(body);
            if (ok) lines += body.toString().split('\\n').filter(Boolean).length;
            s.statusCode = ok ? 204 : 401;
            s.end();
          });
        }
        if (u.pathname === '/lines') return void s.end(String(lines));
        if (u.pathname === '/api/v2/buckets') {
          const ok = q.headers.authorization === 'Token ' + e.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN && u.searchParams.get('org') === e.DOCKER_INFLUXDB_INIT_ORG;
          s.statusCode = ok ? 200 : 401;
          return void s.end(JSON.stringify({ buckets: ok && u.searchParams.get('name') === e.DOCKER_INFLUXDB_INIT_BUCKET ? [{ name: e.DOCKER_INFLUXDB_INIT_BUCKET }] : [] }));
        }
        s.statusCode = 404; s.end();
      }).listen(8086, '0.0.0.0');`;
    const grafanaStandIn = `
      require('http').createServer(async (q, s) => {
        if (q.url === '/api/health') {
          const influx = await fetch(process.env.INFLUX_URL + '/health').then((r) => r.status, (err) => String(err));
          s.statusCode = influx === 200 ? 200 : 503;
          return void s.end(JSON.stringify({ database: 'ok', influx }));
        }
        if (q.url === '/provisioning') return void s.end(JSON.stringify(require('fs').readdirSync('/etc/grafana/provisioning/dashboards')));
        s.statusCode = 404; s.end();
      }).listen(3000, '0.0.0.0');`;
    const standInCompose = (influxEnv = '') => `
services:
  influxdb:
    image: ${image}
    command: ["node", "-e", ${JSON.stringify(influxStandIn)}]
    environment:
      DOCKER_INFLUXDB_INIT_MODE: setup
      DOCKER_INFLUXDB_INIT_ORG: harness
      DOCKER_INFLUXDB_INIT_BUCKET: k6
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: \${HARNESS_INFLUXDB_TOKEN:-harness-local-token}${influxEnv}
    ports: ["127.0.0.1:8086:8086"]
    profiles: ["observability"]
  grafana:
    image: ${image}
    command: ["node", "-e", ${JSON.stringify(grafanaStandIn)}]
    environment:
      GF_AUTH_ANONYMOUS_ENABLED: "true"
      INFLUX_URL: http://influxdb:8086
      INFLUX_BUCKET: k6
      INFLUX_TOKEN: \${HARNESS_INFLUXDB_TOKEN:-harness-local-token}
    volumes: ["./grafana:/etc/grafana/provisioning:ro"]
    ports: ["127.0.0.1:3000:3000"]
    depends_on: [influxdb]
    profiles: ["observability"]
`;
    const upArgs = ['up', '--observability', '--runtime', 'external', '--target-url', 'http://127.0.0.1:9'];

    it('up prints the Grafana URL and INFLUX_* settings, serves on 127.0.0.1, records the stack; a run with only --out influxdb writes to it and links its dashboard; down removes everything', async () => {
      const ports = await freePorts();
      const cwd = await project(standInCompose(), ports);
      cwds.push(cwd);
      const r = await harness(cwd, upArgs).done;
      assert.equal(r.code, 0, r.stderr);
      const [state] = await readUpStates(upStateFile(cwd));
      assert.deepEqual(state.observability, { influxUrl: `http://127.0.0.1:${ports.influxdb}`, grafanaUrl: `http://127.0.0.1:${ports.grafana}`, org: 'harness', bucket: 'k6', localToken: true });
      assert.match(r.stdout, new RegExp(`grafana: +http://127\\.0\\.0\\.1:${ports.grafana} `));
      assert.match(r.stdout, new RegExp(`INFLUX_URL=http://127\\.0\\.0\\.1:${ports.influxdb} INFLUX_ORG=harness INFLUX_BUCKET=k6 INFLUX_TOKEN=harness-local-token GRAFANA_URL=http://127\\.0\\.0\\.1:${ports.grafana}`));
      assert.doesNotMatch(r.stdout, /note: this harness's --out influxdb settings point elsewhere/, 'the run defaults (ports.influxdb) follow the stack');

      const health = await fetch(`http://127.0.0.1:${ports.grafana}/api/health`);
      assert.equal(health.status, 200, 'grafana reached influxdb by its service name');
      assert.ok(((await fetch(`http://127.0.0.1:${ports.grafana}/provisioning`).then((x) => x.json())) as string[]).includes('load-test.json'), 'grafana/ is mounted');
      const mine = await leftovers({ runId: state.runId });
      assert.deepEqual(mine.containers.sort(), [`/harness-${state.runId}-grafana`, `/harness-${state.runId}-influxdb`]);
      assert.deepEqual(mine.networks, [`harness-${state.runId}-observability`]);
      for (const c of await docker.listContainers({ filters: { label: [`harness.run-id=${state.runId}`] } })) {
        for (const p of c.Ports.filter((x) => x.PublicPort)) assert.equal(p.IP, '127.0.0.1', `${c.Names[0]} publishes on loopback only`);
      }
      const pids = JSON.parse(readFileSync(join(state.runDir, "pids.json"), "utf8")) as { containers?: string[]; networks?: string[] };
      assert.equal(pids.containers?.length, 2, 'recorded for reap');
      assert.equal(pids.networks?.length, 1);

      const second = await harness(cwd, upArgs).done;
      assert.equal(second.code, 110, 'the ports are taken');
      assert.match(second.stderr, new RegExp(`127\\.0\\.0\\.1:${ports.influxdb} \\(influxdb\\) is in use; .*harness down`));

      // the defaults are the stack's (URL on ports.influxdb, org, bucket, the local token), and the
      // run's dashboard link comes from the recorded stack: `--out influxdb` and nothing else
      const target = createHttpServer((_q, res) => res.end('ok'));
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      try {
        const targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}`;
        const run = await harness(cwd, ['run', resolve('harness/outputs/influxdb/fixtures/hits.ts'), '--runtime', 'external', '--target-url', targetUrl, '--engine', 'builtin', '--out', 'influxdb'], { GRAFANA_URL: '' }).done;
        assert.equal(run.code, 0, run.stderr);
        const summary = /influxdb: (\d+) points \(rollup\): (\d+) written, 0 spooled/.exec(run.stderr + run.stdout);
        assert.ok(summary && Number(summary[2]) > 0 && summary[1] === summary[2], `every point written with no settings:\n${run.stderr}`);
        assert.equal(await fetch(`http://127.0.0.1:${ports.influxdb}/lines`).then((x) => x.text()), summary[2], 'all of them reached the InfluxDB of the stack');
        assert.match(run.stderr + run.stdout, new RegExp(`grafana: http://127\\.0\\.0\\.1:${ports.grafana}/d/harness-load-test\\?var-run_id=\\d{8}T\\d{6}-hits-[0-9a-f]+&from=\\d+&to=\\d+`));
      } finally {
        target.close();
      }

      const d = await harness(cwd, ['down']).done;
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual(await leftovers({ runId: state.runId }), { containers: [], networks: [] });
    });

    it('a token from HARNESS_INFLUXDB_TOKEN reaches both containers and is never printed or written', async () => {
      const ports = await freePorts();
      const cwd = await project(standInCompose(), ports);
      cwds.push(cwd);
      const secret = 'tok-s3cret-' + Date.now();
      const r = await harness(cwd, upArgs, { HARNESS_INFLUXDB_TOKEN: secret }).done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /INFLUX_TOKEN="\$HARNESS_INFLUXDB_TOKEN"/);
      const [state] = await readUpStates(upStateFile(cwd));
      assert.equal(state.observability?.localToken, false);
      for (const text of [r.stdout, r.stderr, readFileSync(upStateFile(cwd), 'utf8'), ...(await readdir(state.runDir)).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(state.runDir, f), 'utf8'))]) {
        assert.ok(!text.includes(secret), 'the token is not in the output, the up state or the run directory');
      }
      assert.equal((await harness(cwd, ['down']).done).code, 0);
      assert.deepEqual(await leftovers({ runId: state.runId }), { containers: [], networks: [] });
    });

    it('SIGINT while InfluxDB is starting: exit 105, its container and the network are removed', async () => {
      const cwd = await project(standInCompose('\n      STANDIN_NEVER_READY: "1"'), await freePorts());
      cwds.push(cwd);
      await using h = harness(cwd, upArgs);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await leftovers({ ownerPid: h.pid })).containers.length === 0) await new Promise((r) => setTimeout(r, 200));
      assert.equal((await leftovers({ ownerPid: h.pid })).containers.length, 1, 'influxdb container created');
      const t0 = Date.now();
      h.kill('SIGINT');
      const r = await h.done;
      assert.equal(r.code, 105, r.stderr);
      // not a timing target: a SIGINT that waits for the 120 s readiness deadline is the bug this catches
      assert.ok(Date.now() - t0 < 60_000, `exited ${Date.now() - t0} ms after SIGINT`);
      assert.deepEqual(await leftovers({ ownerPid: h.pid }), { containers: [], networks: [] });
      assert.deepEqual(await readUpStates(upStateFile(cwd)), []);
    });

    it('a harness killed while starting leaves labelled containers that `harness reap` removes', async () => {
      const cwd = await project(standInCompose('\n      STANDIN_NEVER_READY: "1"'), await freePorts());
      cwds.push(cwd);
      await using h = harness(cwd, upArgs);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await leftovers({ ownerPid: h.pid })).containers.length === 0) await new Promise((r) => setTimeout(r, 200));
      h.kill('SIGKILL');
      await h.done;
      const left = await leftovers({ ownerPid: h.pid });
      assert.equal(left.containers.length, 1, 'the crash left the influxdb container');
      assert.equal(left.networks.length, 1);
      const r = await harness(cwd, ['reap']).done;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await leftovers({ ownerPid: h.pid }), { containers: [], networks: [] });
    });
  });

  /** Only where the real images are present (`docker load`ed): the stack a user gets. */
  describe('with the real InfluxDB and Grafana images', () => {
    const images = readComposeImages(resolve('.'));
    before(async function () {
      const missing = [];
      for (const i of [images.influxdb, images.grafana]) if (!(await imageExists(docker, i))) missing.push(i);
      if (missing.length) {
        console.log(`      skipped: ${missing.join(', ')} not present locally and no registry is reachable here (docker load them to run this)`);
        this.skip();
      }
    });

    it('Grafana and InfluxDB are healthy, provisioned, and `harness run --out influxdb` lands in Grafana with no settings', async () => {
      const ports = await freePorts();
      const cwd = await project(readFileSync('compose.yml', 'utf8'), ports);
      cwds.push(cwd);
      const r = await harness(cwd, ['up', '--observability', '--runtime', 'external', '--target-url', 'http://127.0.0.1:9']).done;
      assert.equal(r.code, 0, r.stderr);
      const grafana = `http://127.0.0.1:${ports.grafana}`;
      const influx = `http://127.0.0.1:${ports.influxdb}`;
      try {
        assert.equal(((await fetch(`${influx}/health`).then((x) => x.json())) as { status: string }).status, 'pass');
        assert.equal(((await fetch(`${grafana}/api/health`).then((x) => x.json())) as { database: string }).database, 'ok');
        const dashboards = (await fetch(`${grafana}/api/search?type=dash-db`).then((x) => x.json())) as { uid: string }[];
        assert.deepEqual(dashboards.map((d) => d.uid).sort(), ['harness-chaos', 'harness-load-test', 'harness-target'], 'provisioned, visible anonymously');

        const run = await harness(cwd, ['run', 'smoke', '--runtime', 'local', '--out', 'influxdb', '--duration', '3s']).done;
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout + run.stderr, /influxdb: \d+ points \(rollup\): \d+ written/);
        // through Grafana's datasource (InfluxQL on the bucket's DBRP mapping), as a panel would
        const q = await fetch(`${grafana}/api/ds/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'now-1h', to: 'now', queries: [{ refId: 'A', datasource: { uid: 'harness-influxdb' }, query: 'SELECT sum("count") FROM "http_reqs" WHERE $timeFilter', rawQuery: true, resultFormat: 'time_series' }] }),
        });
        const body = (await q.json()) as { results: { A: { frames?: { data: { values: unknown[][] } }[]; error?: string } } };
        assert.equal(q.status, 200, JSON.stringify(body));
        assert.ok(body.results.A.frames?.[0]?.data.values[1]?.some((v) => Number(v) > 0), `http_reqs in Grafana: ${JSON.stringify(body)}`);
      } finally {
        assert.equal((await harness(cwd, ['down']).done).code, 0);
      }
    });
  });
});
