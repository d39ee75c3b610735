import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRuntime } from '../harness/runtimes/local';
import { portOpen, runHarness } from '../harness/testing';
import { catalog } from './catalog';
import { nonNegativeDurationMs as parseDuration } from '../vocabulary';
import { randomSeed } from './random';

const cwd = process.cwd();
/** The whole game-day takes 6-8 minutes here (eight experiments of 30-40 s, each on a fresh stack). */
const GAME_DAY_TIMEOUT_MS = 20 * 60_000;

/** Processes whose command line mentions `path` (the run directories live under it). */
function processesMentioning(path: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(path)) found.push(`${pid}: ${cmd.trim()}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * The game-day exactly as a user runs it: the `harness` binary, `chaos --all` on the local
 * runtime, a random seed (printed, so a failure replays with `--seed`), the k6 load driver the
 * CLI uses (real k6 when installed, else the built-in engine). Every experiment must pass.
 */
describe('game-day: harness chaos --all --runtime local with a random seed @slow', function () {
  this.timeout(GAME_DAY_TIMEOUT_MS + 3 * 60_000);
  let reports: string | undefined;

  afterEach(function () {
    // Kept after a failure, for its journals and logs.
    if (reports && this.currentTest?.state === 'failed') console.log(`    run directories kept in ${reports}`);
    else if (reports) rmSync(reports, { recursive: true, force: true });
  });

  it('exits 0; every experiment passed (verdict, recovery within budget, no data loss) and left nothing running', async function () {
    const available = await new LocalRuntime({}).available({ env: process.env, cwd });
    if (!available.ok) {
      console.log(`    skipped: the local runtime is unavailable here: ${available.reason}`);
      this.skip();
    }
    const seed = process.env.GAME_DAY_SEED ? Number(process.env.GAME_DAY_SEED) : randomSeed();
    console.log(`    game-day seed ${seed} (replay: harness chaos --all --runtime local --seed ${seed}, or GAME_DAY_SEED=${seed} for this test)`);
    reports = mkdtempSync(join(tmpdir(), 'game-day-'));
    const started = performance.now();
    // past the deadline: SIGINT (rollback, teardown), SIGKILL a minute later, and the test fails with the output
    const run = await runHarness(['chaos', '--all', '--runtime', 'local', '--seed', String(seed)], { cwd, env: { HARNESS_REPORTS_DIR: reports }, timeoutMs: GAME_DAY_TIMEOUT_MS, killGraceMs: 60_000 });
    const tail = run.output.split('\n').slice(-60).join('\n');
    console.log(`    game-day took ${Math.round((performance.now() - started) / 1000)} s`);

    const runsDir = join(reports, 'runs');
    const dirs = existsSync(runsDir) ? readdirSync(runsDir).sort() : [];
    const summary: string[] = [];
    const problems: string[] = [];
    for (const def of catalog) {
      const dir = dirs.find((d) => d.includes(`-chaos-${def.name}-`));
      if (!dir) {
        problems.push(`${def.name}: no run directory`);
        continue;
      }
      const runDir = join(runsDir, dir);
      const resultFile = join(runDir, `chaos-result-${def.name}.json`);
      if (!existsSync(resultFile)) {
        problems.push(`${def.name}: no chaos-result file in ${runDir}`);
        continue;
      }
      const result = JSON.parse(readFileSync(resultFile, 'utf8'));
      const runJson = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
      const exitCode = existsSync(join(runDir, 'exit-code')) ? readFileSync(join(runDir, 'exit-code'), 'utf8').trim() : 'none';
      const recovery = (result.recovery as Array<{ fault: string; recoveryMs?: number }>).map((r) => `${r.fault} ${r.recoveryMs ?? 'never'}`).join(', ');
      summary.push(`${def.name}: ${result.verdict}, engine ${runJson.engine}, recovery ${recovery || '-'} ms, ${result.requests.total} requests, data loss ${result.dataLoss?.ok ? 'none' : 'CHECK FAILED'}`);
      if (result.verdict !== 'passed') problems.push(`${def.name}: verdict ${result.verdict}: ${result.problems.join('; ')}`);
      if (runJson.verdict !== 'passed' || exitCode !== '0') problems.push(`${def.name}: run.json verdict ${runJson.verdict}, exit-code file ${exitCode}`);
      if (result.seed !== seed) problems.push(`${def.name}: ran with seed ${result.seed}, not ${seed}`);
      // The verdict's parts, asserted on their own so a verdict computed wrongly cannot hide them.
      const budget = parseDuration(def.verify.recoveryWithin ?? '10s')!;
      for (const r of result.recovery) if (r.recoveryMs === undefined || r.recoveryMs > budget) problems.push(`${def.name}: ${r.fault} recovered in ${r.recoveryMs ?? 'never'} ms (budget ${budget})`);
      if (result.recovery.length !== result.schedule.faults.length) problems.push(`${def.name}: ${result.recovery.length} recoveries measured for ${result.schedule.faults.length} faults`);
      if (def.verify.noDataLoss && !result.dataLoss?.ok) problems.push(`${def.name}: data loss check ${JSON.stringify(result.dataLoss)}`);
      if (!(result.dataLoss?.clientAccepted > 0)) problems.push(`${def.name}: the load got no 202 at all`);
      const pids = JSON.parse(readFileSync(join(runDir, 'pids.json'), 'utf8')) as { ports: Record<string, number> };
      for (const [name, port] of Object.entries(pids.ports)) if (await portOpen(port)) problems.push(`${def.name}: ${name} port ${port} still open after the run`);
    }
    console.log(summary.map((l) => `    ${l}`).join('\n'));
    const left = processesMentioning(reports);
    assert.deepEqual(left, [], `processes of the game-day still running:\n${left.join('\n')}`);
    assert.deepEqual(problems, [], `seed ${seed}:\n${problems.join('\n')}\n--- harness output (tail) ---\n${tail}`);
    assert.equal(run.code, 0, `harness chaos --all --seed ${seed} exited ${run.code ?? run.signal}\n${tail}`);
    assert.equal(dirs.length, catalog.length, `one run directory per experiment: ${dirs.join(', ')}`);
    for (const def of catalog) assert.match(run.output, new RegExp(`PASSED: ${def.name} `), `verdict line for ${def.name}`);
  });
});
