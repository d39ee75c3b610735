import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PidFileContent } from '../run-record';
import { resolveConfig } from '../config/resolve-config';
import { which } from '../setup';
import { groupMembers, portOpen, startHarness, waitGroupGone, type HarnessResult } from '../testing';
import { dockerClient, imageExists, pingDocker } from '../runtimes/docker';
import { mustRunInCi } from '../runtimes/docker/testing';

/**
 * engine {k6, builtin} x runtime {local, docker} x toxiproxy {binary, builtin}: `harness run`
 * and `harness chaos` exit 0, 99 and 105 (SIGINT) with a verdict line, an `exit-code` file and
 * nothing left behind, seen as a user sees it: by SPAWNING the bin. "Nothing left behind" is
 * checked on processes (the harness's process group, every process pids.json ever listed, any
 * process whose command line names the run), ports, Toxiproxy proxies and labelled Docker
 * objects. pids.json is sampled while the run goes (teardown removes what it stopped).
 *
 * Combinations that need what this machine lacks (real k6, real Toxiproxy, dockerd) are skipped
 * with the reason printed. Each case is a few seconds of load.
 */

type Engine = 'k6' | 'builtin';
type RuntimeName = 'local' | 'docker';
type ToxiproxyKind = 'binary' | 'builtin';
interface Combo {
  engine: Engine;
  runtime: RuntimeName;
  toxiproxy: ToxiproxyKind;
}

const ROOT = resolve('.');
const FAILING = 'harness/e2e/fixtures/threshold-always-fails.js';
const API_KEY_CONFIG = 'harness/e2e/fixtures/gateway-requires-api-key.config.mjs';
const CASE_TIMEOUT_MS = 240_000;

interface Seen {
  processes: Map<number, PidFileContent['processes'][number]>;
  ports: Set<number>;
  containers: Set<string>;
  networks: Set<string>;
  proxies: Map<string, Set<string>>;
}

interface Outcome extends HarnessResult {
  pid: number;
  runIds: string[];
  seen: Seen;
}

interface SpawnOptions {
  env: Record<string, string | undefined>;
  reportsDir: string;
  /** Send SIGINT (to the harness's process group, as a terminal's Ctrl-C) once this is true. */
  interruptWhen?: (runDir: string) => Promise<boolean>;
}

/** Runs the bin as a user does (in its own process group), watching each run's pids.json. */
async function spawnHarness(args: string[], o: SpawnOptions): Promise<Outcome> {
  const seen: Seen = { processes: new Map(), ports: new Set(), containers: new Set(), networks: new Set(), proxies: new Map() };
  const h = startHarness(args, { cwd: ROOT, env: { ...o.env, HARNESS_REPORTS_DIR: o.reportsDir }, timeoutMs: CASE_TIMEOUT_MS - 30_000 });
  const runIds = () => [...h.stderr.matchAll(/: run (\d{8}T\d{6}-[a-z0-9-]+-[0-9a-f]{4})$/gm)].map((m) => m[1]!);
  let interrupted = false;
  const sample = async () => {
    for (const id of runIds()) {
      const dir = join(o.reportsDir, 'runs', id);
      const pids = readPids(join(dir, 'pids.json'));
      if (pids) {
        for (const p of pids.processes) seen.processes.set(p.pid, p);
        for (const port of Object.values(pids.ports)) seen.ports.add(port);
        for (const c of pids.containers ?? []) seen.containers.add(c);
        for (const n of pids.networks ?? []) seen.networks.add(n);
        for (const t of pids.toxiproxy) for (const name of t.proxies) (seen.proxies.get(t.apiUrl) ?? seen.proxies.set(t.apiUrl, new Set()).get(t.apiUrl)!).add(name);
      }
      if (o.interruptWhen && !interrupted && (await o.interruptWhen(dir))) {
        interrupted = true;
        h.killGroup('SIGINT');
      }
    }
  };
  const timer = setInterval(() => void sample(), 100);
  const r = await h.done.finally(() => clearInterval(timer));
  await sample();
  return { ...r, pid: h.pid, runIds: runIds(), seen };
}

function readPids(file: string): PidFileContent | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidFileContent;
  } catch {
    return undefined; // not there yet, or caught mid-write
  }
}

function startTicks(pid: number): string | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return f[0] === 'Z' ? undefined : f[19];
  } catch {
    return undefined;
  }
}

/** Live processes whose command line names one of the run ids (the watchdog, an engine, a component). */
function processesNaming(runIds: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (!startTicks(Number(name))) continue;
    if (runIds.some((id) => cmd.includes(id))) out.push(`${name}: ${cmd.slice(0, 200)}`);
  }
  return out;
}

/** Everything the run started is gone: processes, ports, proxies, containers, networks. */
async function assertNothingLeft(r: Outcome, docker: ReturnType<typeof dockerClient> | undefined): Promise<void> {
  const left: string[] = [];
  // A few seconds' grace: the watchdog exits once released; nothing else should need any.
  const deadline = Date.now() + 5000;
  const check = async () => {
    left.length = 0;
    if (!(await waitGroupGone(r.pid, 0))) left.push(`harness process group ${r.pid}: ${groupMembers(r.pid).join(', ')}`);
    for (const p of r.seen.processes.values()) {
      if (p.startTicks && startTicks(p.pid) === p.startTicks) left.push(`${p.component} pid ${p.pid} (${p.command})`);
      if (p.group && groupMembers(p.pid).length) left.push(`${p.component} process group ${p.pid}: ${groupMembers(p.pid).join(', ')}`);
    }
    left.push(...processesNaming(r.runIds).map((p) => `process naming the run: ${p}`));
    for (const port of r.seen.ports) if (await portOpen(port)) left.push(`port ${port} still listening`);
    for (const [apiUrl, names] of r.seen.proxies) {
      const res = await fetch(`${apiUrl}/proxies`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      if (res?.ok) {
        const proxies = Object.keys((await res.json()) as Record<string, unknown>);
        for (const n of names) if (proxies.includes(n)) left.push(`proxy ${n} on ${apiUrl}`);
      }
    }
    if (docker) {
      for (const id of r.runIds) {
        const label = `harness.run-id=${id}`;
        for (const c of await docker.listContainers({ all: true, filters: { label: [label] } })) left.push(`container ${c.Names[0]} (${c.State})`);
        for (const n of await docker.listNetworks({ filters: { label: [label] } })) left.push(`network ${n.Name}`);
      }
      const all = new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
      for (const c of r.seen.containers) if (all.has(c)) left.push(`container ${c.slice(0, 12)}`);
    }
  };
  await check();
  while (left.length && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 250));
    await check();
  }
  assert.deepEqual(left, [], `left behind after the harness exited:\n  ${left.join('\n  ')}`);
}

/** Exit code, verdict line, `exit-code` file of every run, and nothing left. */
async function assertOutcome(r: Outcome, expected: number, verdict: RegExp, reportsDir: string, c: Combo, docker: ReturnType<typeof dockerClient> | undefined): Promise<void> {
  const shown = `stdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`;
  assert.equal(r.signal, null, `killed by ${r.signal}\n${shown}`);
  assert.equal(r.code, expected, shown);
  assert.match(r.stdout, verdict, shown);
  assert.ok(r.runIds.length > 0, `no run id printed\n${shown}`);
  for (const id of r.runIds) {
    const file = join(reportsDir, 'runs', id, 'exit-code');
    assert.ok(existsSync(file), `no exit-code file in ${id}\n${shown}`);
    assert.equal((await readFile(file, 'utf8')).trim(), String(expected), `exit-code file of ${id}`);
  }
  assert.doesNotMatch(r.stderr, /internal error|this is a bug/, shown);
  // The teardown checks below mean something only if the run's resources were seen at all.
  assert.ok(r.seen.ports.size > 0, `no port was ever recorded in pids.json\n${shown}`);
  if (c.runtime === 'local') assert.ok(r.seen.processes.size > 0, `no process was ever recorded in pids.json\n${shown}`);
  if (c.runtime === 'docker') assert.ok(r.seen.containers.size > 0 && r.seen.networks.size > 0, `no container/network was ever recorded in pids.json\n${shown}`);
  await assertNothingLeft(r, docker);
}

/** Interrupt once the engine is producing samples against a started stack. */
async function engineRunning(runDir: string): Promise<boolean> {
  try {
    return (await stat(join(runDir, 'samples.ndjson'))).size > 0;
  } catch {
    return false;
  }
}

/** Why this combination cannot run here, or undefined when it can. */
async function unavailable(c: Combo, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (c.engine === 'k6' && !(await which(env.K6_BIN ?? 'k6', env))) return 'real k6 is not on PATH and K6_BIN is not set';
  if (c.runtime === 'local' && c.toxiproxy === 'binary' && !(await which(env.TOXIPROXY_BIN ?? 'toxiproxy-server', env))) {
    return 'real toxiproxy-server is not on PATH and TOXIPROXY_BIN is not set';
  }
  if (c.runtime === 'docker') {
    const docker = dockerClient(env);
    if (!(await pingDocker(docker))) {
      const why = 'dockerd is not running (`harness setup --for test` starts it as root)';
      if (mustRunInCi(env)) throw new Error(`CI=true and root, but ${why}`);
      return why;
    }
    if (c.toxiproxy === 'binary') {
      const image = resolveConfig({ cwd: ROOT, env: {} }).config.images.toxiproxy;
      if (!(await imageExists(docker, image))) return `the real Toxiproxy image ${image} is not present locally (no registry here; \`docker load\` it)`;
    }
  }
  return undefined;
}

const combos: Combo[] = [];
for (const engine of ['builtin', 'k6'] as const) for (const runtime of ['local', 'docker'] as const) for (const toxiproxy of ['builtin', 'binary'] as const) combos.push({ engine, runtime, toxiproxy });

describe('engine x runtime x toxiproxy matrix: exit codes and teardown of the spawned bin @slow', function () {
  this.timeout(CASE_TIMEOUT_MS);
  let reportsDir: string;
  before(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'harness-matrix-'));
  });
  after(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  for (const c of combos) {
    const flags = ['--engine', c.engine, '--runtime', c.runtime, '--toxiproxy', c.toxiproxy];
    describe(`engine ${c.engine} x runtime ${c.runtime} x toxiproxy ${c.toxiproxy}`, () => {
      let docker: ReturnType<typeof dockerClient> | undefined;
      before(async function () {
        const why = await unavailable(c, process.env);
        if (why) {
          console.log(`    skipped: ${why}`);
          this.skip();
        }
        if (c.runtime === 'docker') docker = dockerClient(process.env);
      });
      const env = () => ({ ...process.env });

      it('harness run smoke: 0, PASSED', async () => {
        const r = await spawnHarness(['run', 'smoke', '--duration', '3s', '--vus', '2', ...flags], { env: env(), reportsDir });
        await assertOutcome(r, 0, /^PASSED: all thresholds met {2}\(exit 0\)/m, reportsDir, c, docker);
      });

      it('harness run <a threshold that cannot pass>: 99, FAILED', async () => {
        const r = await spawnHarness(['run', FAILING, ...flags], { env: env(), reportsDir });
        await assertOutcome(r, 99, /^FAILED: thresholds crossed {2}\(exit 99\)/m, reportsDir, c, docker);
      });

      it('harness run smoke, SIGINT while the engine runs: 105, INTERRUPTED', async () => {
        const r = await spawnHarness(['run', 'smoke', '--duration', '60s', '--vus', '2', ...flags], { env: env(), reportsDir, interruptWhen: engineRunning });
        await assertOutcome(r, 105, /^INTERRUPTED: stopped by signal, torn down {2}\(exit 105\)/m, reportsDir, c, docker);
      });

      it('harness chaos redis-latency: 0, PASSED', async () => {
        const r = await spawnHarness(['chaos', 'redis-latency', '--duration', '6s', ...flags], { env: env(), reportsDir });
        await assertOutcome(r, 0, /^PASSED: redis-latency {2}\(exit 0\)/m, reportsDir, c, docker);
      });

      it('harness chaos redis-latency with a gateway that rejects the load: 99, FAILED', async () => {
        const r = await spawnHarness(['chaos', 'redis-latency', '--duration', '6s', '--config', API_KEY_CONFIG, ...flags], { env: env(), reportsDir });
        await assertOutcome(r, 99, /^FAILED: hypothesis or verification not met: redis-latency {2}\(exit 99\)/m, reportsDir, c, docker);
      });

      it('harness chaos redis-latency, SIGINT under load: 105, INTERRUPTED', async () => {
        const r = await spawnHarness(['chaos', 'redis-latency', ...flags], { env: env(), reportsDir, interruptWhen: engineRunning });
        await assertOutcome(r, 105, /^INTERRUPTED: rolled back and torn down: redis-latency {2}\(exit 105\)/m, reportsDir, c, docker);
      });
    });
  }
});
