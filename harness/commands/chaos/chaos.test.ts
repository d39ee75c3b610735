import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildSchedule } from '../../../chaos/experiment';
import redisFlap from '../../../chaos/redis-flap';
import { ExitCode } from '../../errors';
import { isSameProcessAlive, isZombie, type PidFileContent } from '../../run';
import { RuntimeRegistry } from '../../runtimes';
import type { StartedTargetStack } from '../../runtimes/types';
import { chaos } from './index';
import { captureContext, startHarness } from '../../testing';

const cwd = process.cwd();

interface ProxyState {
  name: string;
  enabled: boolean;
  toxics: unknown[];
}

/**
 * The real local runtime, wrapped so the test sees the Toxiproxy state at the moment the stack
 * is torn down (after every rollback, before the server goes away) and every pid it recorded.
 */
function observedLocalRuntimes() {
  const seen: { proxies?: ProxyState[]; runDir?: string } = {};
  const registry = new RuntimeRegistry().register('local', 'local, observed by the test', async ({ config }) => {
    const { LocalRuntime } = await import('../../runtimes/local');
    const inner = new LocalRuntime({ toxiproxy: 'builtin', readyTimeoutMs: config.runtime.readyTimeoutMs });
    return {
      name: 'local' as const,
      available: (o) => inner.available(o),
      async start(o) {
        seen.runDir = o.runDir;
        const stack = await inner.start(o);
        const observed: StartedTargetStack = {
          runtime: stack.runtime,
          runId: stack.runId,
          targetUrl: stack.targetUrl,
          gatewayUrl: stack.gatewayUrl,
          redisUrl: stack.redisUrl,
          toxiproxy: stack.toxiproxy,
          kill: (c, s) => stack.kill(c, s),
          restart: (c) => stack.restart(c),
          async stop() {
            if (stack.toxiproxy && !seen.proxies) {
              const all = (await (await fetch(`${stack.toxiproxy.apiUrl}/proxies`)).json()) as Record<string, ProxyState>;
              seen.proxies = Object.values(all).map((p) => ({ name: p.name, enabled: p.enabled, toxics: p.toxics }));
            }
            await stack.stop();
          },
          [Symbol.asyncDispose]: () => observed.stop(),
        };
        return observed;
      },
    };
  });
  return { registry, seen };
}

function context(dir: string, signal: AbortSignal) {
  const ctx = captureContext(cwd, { signal, env: { HARNESS_REPORTS_DIR: dir, HARNESS_SEED: undefined, HARNESS_DURATION: undefined } });
  return { ctx, out: ctx.out, err: ctx.err };
}

function onlyRunDir(reports: string): string {
  const runs = join(cwd, reports, 'runs');
  const ids = readdirSync(runs);
  assert.equal(ids.length, 1, `one run directory in ${runs}: ${ids.join(', ')}`);
  return join(runs, ids[0]);
}

function journal(runDir: string): Array<Record<string, unknown> & { event: string }> {
  // Tolerates a line being appended while we read.
  return readFileSync(join(runDir, 'chaos-journal.jsonl'), 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        return l ? [JSON.parse(l)] : [];
      } catch {
        return [];
      }
    });
}

async function waitFor<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function journalHas(runDir: () => string | undefined, event: string) {
  return () => {
    const d = runDir();
    const f = d && join(d, 'chaos-journal.jsonl');
    if (!f || !existsSync(f)) return undefined;
    return journal(d).find((e) => e.event === event);
  };
}

describe('harness chaos through the command function (local runtime, builtin engine) @slow', function () {
  this.timeout(180_000);
  const reportsDirs: string[] = [];
  // HARNESS_REPORTS_DIR is relative to the project root: a fresh one under reports/ per run.
  const newReports = () => {
    mkdirSync(join(cwd, 'reports'), { recursive: true });
    const rel = relative(cwd, mkdtempSync(join(cwd, 'reports', 'test-chaos-')));
    reportsDirs.push(rel);
    return rel;
  };
  after(() => {
    for (const d of reportsDirs) rmSync(join(cwd, d), { recursive: true, force: true });
  });

  it('redis-latency --runtime local --duration 4s --seed 7: exit 0, journal, k6 stream, phase-tagged samples, verdict', async () => {
    const reports = newReports();
    const { registry, seen } = observedLocalRuntimes();
    const { ctx, out, err } = context(reports, new AbortController().signal);
    const code = await chaos({ experiment: 'redis-latency', runtime: 'local', duration: '4s', seed: 7, env: ['HARNESS_RATE=20'], watchdog: false, runtimes: registry }, ctx);
    assert.equal(code, ExitCode.Ok, `${out()}\n${err()}`);
    assert.match(out(), /chaos: seed 7 \(replay with --seed 7\)/);
    assert.match(out(), /PASSED: redis-latency {2}\(exit 0\)/);
    const runDir = onlyRunDir(reports);

    const events = journal(runDir).map((e) => e.event).filter((e) => e !== 'probe');
    assert.deepEqual(events, ['start', 'schedule', 'hypothesis', 'load-started', 'inject', 'restored', 'load-stopped', 'rollback', 'recovery', 'hypothesis', 'data-loss', 'verdict']);
    const verdict = journal(runDir).at(-1)!;
    assert.equal(verdict.verdict, 'passed', JSON.stringify(verdict.problems));

    // The engine's own k6 JSON stream...
    const k6 = gunzipSync(readFileSync(join(runDir, 'samples.ndjson.gz'))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    const k6Reqs = k6.filter((l) => l.type === 'Point' && l.metric === 'http_reqs');
    assert.ok(k6Reqs.length > 20, `requests in the k6 stream: ${k6Reqs.length}`);
    assert.ok(k6Reqs.every((l) => l.data.tags.experiment === 'redis-latency' && typeof l.data.tags.run_id === 'string'));
    // ...and the same Points tagged with their phase, in the k6 JSON format.
    const tagged = readFileSync(join(runDir, 'chaos-samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const points = tagged.filter((l) => l.type === 'Point');
    assert.equal(points.length, k6.filter((l) => l.type === 'Point').length, 'every Point of the stream is tagged');
    const phases = new Set(points.map((l) => l.data.tags.phase));
    assert.deepEqual([...phases].sort(), ['baseline', 'fault:gateway-redis-latency', 'recovery']);
    for (const phase of phases) assert.ok(points.some((l) => l.metric === 'http_reqs' && l.data.tags.phase === phase), `requests in ${phase}`);
    // The latency toxic shows in the fault phase of the stream.
    const p50 = (phase: string) => {
      const v = points.filter((l) => l.metric === 'http_req_duration' && l.data.tags.phase === phase).map((l) => l.data.value as number).sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)];
    };
    assert.ok(p50('fault:gateway-redis-latency') > p50('baseline') + 100, `median ${p50('baseline')} -> ${p50('fault:gateway-redis-latency')} ms`);

    const result = JSON.parse(readFileSync(join(runDir, 'chaos-result-redis-latency.json'), 'utf8'));
    assert.equal(result.verdict, 'passed');
    assert.equal(result.dataLoss.ok, true);
    assert.ok(result.dataLoss.clientAccepted > 0);
    assert.equal(readFileSync(join(runDir, 'exit-code'), 'utf8').trim(), '0');
    assert.equal(readFileSync(join(runDir, 'seed'), 'utf8').trim(), '7');
    assert.equal(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).verdict, 'passed');
    // The target's side was sampled through the fault (report.html draws it with the window shaded).
    const at = (event: string) => Date.parse(String(journal(runDir).find((e) => e.event === event)!.at));
    const scrapes = gunzipSync(readFileSync(join(runDir, 'target.ndjson.gz'))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: number; g?: unknown[] });
    assert.ok(scrapes.some((x) => x.g && x.t >= at('inject') && x.t <= at('restored')), 'gateway scrapes inside the fault window');
    assert.ok(scrapes.some((x) => x.t > at('restored')), 'and after it');
    // The recovery phase kept its floor (10 s budget + 2 s) although the timeline was scaled to 4 s.
    const schedule = journal(runDir).find((e) => e.event === 'schedule')!;
    assert.equal(schedule.recoveryFloorMs, 12_000);

    // Crash safety: the run's proxies are recorded for `harness reap`; at teardown no toxic was left.
    const runId = runDir.split('/').at(-1)!;
    const pids = JSON.parse(readFileSync(join(runDir, 'pids.json'), 'utf8')) as PidFileContent;
    assert.deepEqual(pids.toxiproxy.flatMap((t) => t.proxies).sort(), [`${runId}-gateway`, `${runId}-redis`]);
    assert.deepEqual(seen.proxies?.map((p) => [p.name, p.enabled, p.toxics.length]).sort(), [[`${runId}-gateway`, true, 0], [`${runId}-redis`, true, 0]]);
  });

  it('SIGINT mid-experiment: rolled back (no toxic, proxies enabled), exit 105, nothing left running; the same seed replays the same schedule', async () => {
    const runs: Array<{ runDir: string; schedule: Record<string, unknown>; pids: number[] }> = [];
    for (const stopAfter of ['inject', 'schedule'] as const) {
      const reports = newReports();
      const { registry, seen } = observedLocalRuntimes();
      const ac = new AbortController();
      const { ctx, out, err } = context(reports, ac.signal);
      const running = chaos({ experiment: 'redis-flap', runtime: 'local', duration: '8s', seed: 7, env: ['HARNESS_RATE=10'], watchdog: false, runtimes: registry }, ctx);
      const pids = new Set<number>();
      const recordPids = () => {
        const f = seen.runDir && join(seen.runDir, 'pids.json');
        if (!f || !existsSync(f)) return;
        try {
          for (const p of (JSON.parse(readFileSync(f, 'utf8')) as PidFileContent).processes) pids.add(p.pid);
        } catch {
          // caught mid-rewrite; the next poll reads it
        }
      };
      // The first run is interrupted while a partition is active, the second right after it planned.
      try {
        await waitFor(`journal event ${stopAfter}`, 60_000, () => {
          recordPids();
          return journalHas(() => seen.runDir, stopAfter)();
        });
        recordPids();
      } finally {
        ac.abort();
      }
      const code = await running;
      assert.equal(code, ExitCode.ExternalAbort, `${out()}\n${err()}`);
      const runDir = onlyRunDir(reports);
      const j = journal(runDir);
      if (stopAfter === 'inject') {
        assert.ok(pids.size >= 4, `recorded processes (redis, toxiproxy, gateway, worker, k6): ${[...pids].join(', ')}`);
        const rollback = j.find((e) => e.event === 'rollback');
        assert.equal(rollback?.ok, true, JSON.stringify(rollback));
        assert.deepEqual(
          seen.proxies?.map((p) => [p.enabled, p.toxics.length]),
          [
            [true, 0],
            [true, 0],
          ],
          'proxies enabled and free of toxics before teardown',
        );
        assert.match(out(), /INTERRUPTED: rolled back and torn down: redis-flap {2}\(exit 105\)/);
      }
      assert.equal(readFileSync(join(runDir, 'exit-code'), 'utf8').trim(), '105');
      for (const pid of pids) assert.equal(isSameProcessAlive(pid) && !isZombie(pid), false, `pid ${pid} still running`);
      runs.push({ runDir, schedule: j.find((e) => e.event === 'schedule')!, pids: [...pids] });
    }
    const planned = (s: Record<string, unknown>) => ({ seed: s.seed, totalMs: s.totalMs, faults: s.faults });
    assert.deepEqual(planned(runs[0].schedule), planned(runs[1].schedule), 'same seed, same planned schedule');
    // ...and the comparison can fail: another seed moves the jittered flaps.
    const other = buildSchedule(redisFlap, { seed: 8, durationMs: 8000 }).faults.map((f) => ({ name: f.name, startMs: f.startMs, endMs: f.endMs }));
    assert.notDeepEqual(runs[0].schedule.faults, other);
  });

  it('HARNESS_TOXIPROXY_TOKEN: the built-in server requires it and the spawned harness passes it (proxies, faults, rollback, teardown): exit 0', async () => {
    const reports = newReports();
    const token = 'chaos-test-token';
    await using harness = startHarness(['chaos', 'redis-latency', '--runtime', 'local', '--engine', 'builtin', '--duration', '4s', '--seed', '7', '--env', 'HARNESS_RATE=10'], {
      cwd,
      env: { HARNESS_REPORTS_DIR: reports, HARNESS_TOXIPROXY: 'builtin', HARNESS_TOXIPROXY_TOKEN: token },
      timeoutMs: 150_000,
    });
    const runsDir = join(cwd, reports, 'runs');
    const runDir = () => (existsSync(runsDir) ? readdirSync(runsDir).map((d) => join(runsDir, d))[0] : undefined);
    await waitFor('the latency toxic', 90_000, journalHas(runDir, 'inject'));
    const pids = JSON.parse(readFileSync(join(runDir()!, 'pids.json'), 'utf8')) as PidFileContent;
    const toxics = `${pids.toxiproxy[0].apiUrl}/proxies/${pids.runId}-redis/toxics`;
    // The server refuses a caller without the token...
    assert.equal((await fetch(toxics)).status, 401);
    // ...while the harness created the proxies and injected the toxic with it.
    const res = await fetch(toxics, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as unknown[]).length, 1);
    assert.equal((await harness.done).code, ExitCode.Ok, harness.output);
    const events = journal(runDir()!).map((e) => e.event);
    assert.ok(events.includes('restored') && events.includes('rollback'), events.join(' '));
    assert.match(readFileSync(join(runDir()!, 'logs', 'toxiproxy.log'), 'utf8'), /\(API token required\)/);
    assert.doesNotMatch(readFileSync(join(runDir()!, 'run.json'), 'utf8'), new RegExp(token));
  });

  it('SIGKILL of the harness mid-experiment: `harness reap` leaves no process and no toxic behind', async () => {
    const reports = newReports();
    await using harness = startHarness(['chaos', 'redis-latency', '--runtime', 'local', '--duration', '4s', '--seed', '7'], {
      cwd,
      env: { HARNESS_REPORTS_DIR: reports, HARNESS_TOXIPROXY: 'builtin' },
      timeoutMs: 150_000,
    });
    const runsDir = join(cwd, reports, 'runs');
    const runDir = () => (existsSync(runsDir) ? readdirSync(runsDir).map((d) => join(runsDir, d))[0] : undefined);
    await waitFor('the latency toxic', 60_000, journalHas(runDir, 'inject'));
    const pids = JSON.parse(readFileSync(join(runDir()!, 'pids.json'), 'utf8')) as PidFileContent;
    const toxiproxy = pids.toxiproxy[0];
    assert.ok(toxiproxy, 'the proxies are recorded in pids.json');
    const toxics = (await (await fetch(`${toxiproxy.apiUrl}/proxies/${pids.runId}-redis/toxics`)).json()) as unknown[];
    assert.equal(toxics.length, 1, 'the toxic is active when the harness dies');
    assert.ok(pids.processes.some((p) => p.component === 'k6'), 'the engine process is recorded');
    // the harness process alone, as `kill -9 <pid>`: what it started is left for reap
    harness.kill('SIGKILL');
    await harness.done;

    const { reap } = await import('../reap/index');
    const { ctx, out } = context(reports, new AbortController().signal);
    assert.equal(await reap({ runId: pids.runId, toxiproxyUrl: toxiproxy.apiUrl }, ctx), ExitCode.Ok);
    // (a zombie is gone: its parent, the killed harness, is not there to wait for it)
    for (const p of pids.processes) assert.equal(isSameProcessAlive(p.pid, p.startTicks) && !isZombie(p.pid), false, `${p.component} (pid ${p.pid}) still running; ${out()}`);
    // Either the run's Toxiproxy went down with it, or its proxies (and their toxics) were deleted.
    const left = await fetch(`${toxiproxy.apiUrl}/proxies`).then(
      async (r) => Object.keys((await r.json()) as object).filter((n) => n.startsWith(pids.runId)),
      () => [],
    );
    assert.deepEqual(left, []);
  });
});
