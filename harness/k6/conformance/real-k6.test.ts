import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRealK6, requireRealTool, type RealTool } from '../../testing/real-tools';
import { runScriptWithK6 } from './run-real-k6';
import { REFERENCE_DIR, runScript, type ScriptRun } from './run-script';
import { startConformanceServer, type ConformanceServer } from './server';

/**
 * The same scripts through real k6 v0.48 and the built-in engine, against the same target:
 * exit codes equal, metric names equal, and per-scenario iteration and request counts (from the
 * JSON stream and from the server's own count) equal, or within a bound where the executor's
 * count depends on time rather than on the script (each case says why). Skipped, saying why,
 * without a real k6 (PATH or K6_BIN; docs/testing.md).
 */
interface Profile {
  code: number;
  metrics: string[];
  /** `iterations` / `http_reqs` / `dropped_iterations` samples per scenario. */
  counts: Record<string, number>;
  /** Requests the target saw, per `METHOD path`. */
  server: Record<string, number>;
}

interface Case {
  name: string;
  script: string;
  /** A reference fixture (copied to a temp dir) rather than a script of scripts/. */
  fixture?: boolean;
  flags?: string[];
  /**
   * SIGINT to real k6 / the command signal to the built-in engine once the target has seen this
   * many `GET /health` (so the signal lands mid-test whatever the machine's speed, never during k6's start).
   */
  interruptAfterHealthChecks?: number;
  /** Target delays, so a latency threshold's verdict depends on the server, not on the machine. */
  delays?: Record<string, number>;
  /** Allowed |real - builtin| for a count key, `metric{scenario:x}` or `server METHOD path` (default 0: equal). */
  tolerance?: (key: string, real: number, both: { real: Profile; builtin: Profile }) => number;
  /**
   * A difference we know of and keep, asserted exactly as it is (so fixing it fails the test and
   * the note is removed), and printed.
   */
  known?: { why: string; code?: { real: number; builtin: number }; metricsOnlyInReal?: string[] };
}

/** Looping executors: the count is duration / iteration time, and iteration time is sleep + a request on a busy 2-core machine. */
const looping = (_: string, real: number) => Math.max(3, Math.ceil(real * 0.25));
/**
 * Arrival-rate executors start on a clock. Each tick starts an iteration or, when no VU is idle, is
 * a dropped iteration: which of the two depends on how busy each engine's machine was, so the
 * engines' iterations (and requests) may differ by what either dropped. Their ticks (iterations +
 * dropped, the executor's own accounting) are compared separately (`ticks` below), within 1: k6
 * races the tick due at the very end of the duration against the duration's end.
 */
const droppedIn = (p: Profile, scenario: string) => p.counts[`dropped_iterations${scenario}`] ?? 0;
const arrival = (key: string, _real: number, { real, builtin }: { real: Profile; builtin: Profile }) => {
  const mostDropped = (scenario: string) => Math.max(droppedIn(real, scenario), droppedIn(builtin, scenario));
  if (key.startsWith('server')) return [...new Set(Object.keys({ ...ticks(real), ...ticks(builtin) }))].reduce((a, sc) => a + mostDropped(sc) + 1, 0);
  return mostDropped(key.slice(key.indexOf('{'))) + 1;
};
/**
 * Per scenario: iterations + dropped iterations, what an arrival-rate executor ticked. k6 v0.48
 * (lib/executor/constant_arrival_rate.go) selects at random between a tick that is due and the
 * end of the duration, so when it runs behind schedule (the machine is busy: it drops iterations
 * then too) it may tick a few times past the end; hence 1 + the drops.
 */
function ticks(p: Profile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.counts)) {
    if (!k.startsWith('iterations') && !k.startsWith('dropped_iterations')) continue;
    const scenario = k.slice(k.indexOf('{'));
    out[scenario] = (out[scenario] ?? 0) + v;
  }
  return out;
}
/** Counts of runs cut short (abortOnFail evaluated on a timer, SIGINT at a wall-clock time) depend on when the cut came. */
const cut = (key: string, real: number) => (key === 'server POST /echo' ? 0 /* teardown runs once, cut or not */ : Math.max(4, Math.ceil(real * 0.5)));

const CASES: Case[] = [
  { name: 'shared-iterations + per-vu-iterations, setup/teardown, groups', script: 'counts.js' },
  { name: 'failing thresholds (exit 99)', script: 'thresholds-fail.js' },
  { name: '--no-thresholds (exit 0)', script: 'thresholds-fail.js', flags: ['--no-thresholds'] },
  { name: 'modules (TypeScript, bundled for k6)', script: 'modules.ts' },
  { name: 'looping executors', script: 'vus.js', tolerance: looping },
  { name: 'arrival-rate executors', script: 'arrival.js', tolerance: arrival },
  { name: 'abortOnFail (exit 99, early)', script: 'abort-on-fail.js', tolerance: cut },
  { name: 'invalid thresholds (exit 104)', script: 'invalid-threshold.js' },
  {
    name: 'invalid scenarios (exit 104)',
    script: 'invalid-scenario.js',
    known: {
      why: 'k6 v0.48 stops at the first unknown executor while loading the script and exits 255 (-1); the built-in engine validates every scenario first and exits 104, the harness usage-error code (docs/cli.md)',
      code: { real: 255, builtin: 104 },
    },
  },
  // The other VU's iteration in flight when test.abort() lands is interrupted: whether its request's
  // sample and its iteration were emitted depends on where it was (the target's count is exact).
  { name: 'test.abort() (exit 108)', script: 'test-abort.js', tolerance: (k) => (k.startsWith('server') ? 0 : 1) },
  { name: 'init exception (exit 107)', script: 'init-exception.js' },
  {
    name: 'setup timeout (exit 100)',
    script: 'setup-timeout.js',
    known: { why: 'k6 emits data_sent/data_received samples for a setup() that timed out; the built-in engine emits none', metricsOnlyInReal: ['data_received', 'data_sent'] },
  },
  { name: 'teardown timeout (exit 101)', script: 'teardown-timeout.js' },
  { name: 'SIGINT: graceful stop, teardown runs (exit 105)', script: 'sigint.js', interruptAfterHealthChecks: 4, tolerance: cut },
  { name: 'fixture ref.js (exit 99)', script: 'ref.js', fixture: true, tolerance: arrival },
  { name: 'fixture ref2.js (exit 99; the target holds each POST 20 ms)', script: 'ref2.js', fixture: true, delays: { 'POST /telemetry': 20 } },
];

function profile(r: ScriptRun, srv: ConformanceServer): Profile {
  const counts: Record<string, number> = {};
  for (const s of r.samples) {
    if (s.metric !== 'iterations' && s.metric !== 'http_reqs' && s.metric !== 'dropped_iterations') continue;
    const key = `${s.metric}{scenario:${s.tags.scenario ?? '-'}}`;
    counts[key] = (counts[key] ?? 0) + (s.metric === 'dropped_iterations' ? s.value : 1);
  }
  return {
    code: r.code,
    metrics: [...new Set(r.samples.map((s) => s.metric))].sort(),
    counts,
    server: Object.fromEntries([...srv.counts].sort()),
  };
}

describe('k6 conformance: real k6 v0.48 and the built-in engine side by side', function () {
  this.timeout(120_000);
  let k6: RealTool;

  before(function () {
    k6 = requireRealTool(this, findRealK6());
    // eslint-disable-next-line no-console
    console.log(`      real: ${k6.path} (${k6.name} ${k6.version}, ${k6.via})`);
  });

  for (const c of CASES) {
    it(`${c.name}: same exit code, metric names and counts`, async () => {
      const srv = await startConformanceServer({ delays: c.delays });
      const tmp = c.fixture ? await mkdtemp(join(tmpdir(), 'k6-side-')) : undefined;
      try {
        let script = c.script;
        if (tmp) {
          await copyFile(join(REFERENCE_DIR, c.script), join(tmp, c.script));
          script = join(tmp, c.script);
        }
        const env = { BASE_URL: srv.url };
        const interrupt = () => (c.interruptAfterHealthChecks === undefined ? undefined : srv.waitFor('GET /health', c.interruptAfterHealthChecks));
        const real = profile(await runScriptWithK6(k6.path, script, { env, flags: c.flags, interruptWhen: interrupt() }), srv);
        srv.counts.clear();
        const ctrl = new AbortController();
        void interrupt()?.then(() => ctrl.abort());
        const builtin = profile(await runScript(script, { env, flags: c.flags, signal: ctrl.signal }), srv);
        const label = `${c.script}${c.flags ? ` ${c.flags.join(' ')}` : ''}\n  real k6:  ${JSON.stringify(real)}\n  built-in: ${JSON.stringify(builtin)}`;
        if (c.known) {
          // eslint-disable-next-line no-console
          console.log(`      known difference: ${c.known.why}`);
        }
        if (c.known?.code) assert.deepEqual({ real: real.code, builtin: builtin.code }, c.known.code, `exit codes (known difference); ${label}`);
        else assert.equal(builtin.code, real.code, `exit code; ${label}`);
        const onlyReal = c.known?.metricsOnlyInReal ?? [];
        // dropped_iterations appears only where an engine dropped one (load; its counts are compared below)
        const names = (p: Profile) => p.metrics.filter((m) => !onlyReal.includes(m) && !(c.tolerance === arrival && m === 'dropped_iterations'));
        assert.deepEqual(names(builtin), names(real), `metric names; ${label}`);
        for (const m of onlyReal) assert.ok(real.metrics.includes(m), `known difference gone: real k6 no longer emits ${m}; update the case; ${label}`);
        // dropped_iterations appear only when an engine dropped some; compared as counts (absent = 0) below.
        const scenarioKeys = (p: Profile) => Object.keys(p.counts).filter((k) => !k.startsWith('dropped_iterations')).sort();
        assert.deepEqual(scenarioKeys(builtin), scenarioKeys(real), `scenarios with iterations/requests; ${label}`);
        const keys = [...new Set([...Object.keys(real.counts), ...Object.keys(builtin.counts)])].sort();
        for (const [what, a, b] of [
          ['count', real.counts, builtin.counts],
          ['server', real.server, builtin.server],
        ] as const) {
          const all = what === 'count' ? keys : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
          for (const k of all) {
            const allowed = c.tolerance?.(what === 'server' ? `server ${k}` : k, a[k] ?? 0, { real, builtin }) ?? 0;
            assert.ok(Math.abs((a[k] ?? 0) - (b[k] ?? 0)) <= allowed, `${what} ${k}: real ${a[k] ?? 0}, built-in ${b[k] ?? 0} (allowed difference ${allowed}); ${label}`);
          }
        }
        if (c.tolerance === arrival) {
          const [t, u] = [ticks(real), ticks(builtin)];
          for (const k of new Set([...Object.keys(t), ...Object.keys(u)])) {
            const allowed = 1 + Math.max(droppedIn(real, k), droppedIn(builtin, k));
            assert.ok(Math.abs((t[k] ?? 0) - (u[k] ?? 0)) <= allowed, `ticks (iterations + dropped) ${k}: real ${t[k] ?? 0}, built-in ${u[k] ?? 0} (allowed difference ${allowed}); ${label}`);
          }
        }
      } finally {
        await srv.close();
        if (tmp) await rm(tmp, { recursive: true, force: true });
      }
    });
  }
});
