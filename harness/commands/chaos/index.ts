import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../context';
import { ExitCode, InvalidConfigError, AbortedError } from '../../errors';
import type { Runtime, StartedTargetStack } from '../../runtimes/types';
import { newRunId } from '../../run/run-id';
import { catalog, findExperiment } from '../../../chaos/catalog';
import { runExperiment, parseDuration, type ExperimentResult } from '../../../chaos/experiment';
import { randomSeed } from '../../../chaos/random';

export interface ChaosOptions {
  experiment?: string;
  all?: boolean;
  runtime?: 'auto' | 'local' | 'docker' | 'external';
  seed?: number;
  duration?: string;
  /** Injected by tests; default the runtime named by `runtime` (local for auto until the registry is wired). */
  runtimeFactory?: (name: string) => Promise<Runtime>;
}

// TODO(issue 4): resolve through the run lifecycle (`harness/run` startStack + config) once it is final.
async function defaultRuntime(name: string): Promise<Runtime> {
  if (name === 'docker') {
    const { UnavailableRuntime } = await import('../../runtimes/unavailable-runtime');
    return new UnavailableRuntime('docker', 'harness chaos does not drive the docker runtime yet', 'use --runtime local');
  }
  const { LocalRuntime } = await import('../../runtimes/local');
  return new LocalRuntime();
}

/**
 * `harness chaos <experiment> [--runtime R] [--seed N] [--duration D]` and `harness chaos --all`:
 * for each experiment a fresh stack, the experiment (always rolled back), and the stack torn
 * down. Exit 0 when every verdict passed, 99 when one failed, 105 when interrupted.
 */
export async function chaos(opts: ChaosOptions, ctx: CommandContext): Promise<number> {
  const problems: string[] = [];
  const selected = opts.all ? [...catalog] : opts.experiment ? [findExperiment(opts.experiment)].filter((e) => e !== undefined) : [];
  if (!opts.all && !opts.experiment) problems.push('experiment: name one, or pass --all');
  else if (!selected.length) problems.push(`experiment: unknown "${opts.experiment}"; valid: ${catalog.map((e) => e.name).join(', ')}`);
  if (opts.duration !== undefined && parseDuration(opts.duration) === undefined) problems.push(`duration: "${opts.duration}" is not a duration`);
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) problems.push(`seed: must be an integer`);
  if (opts.runtime === 'external') problems.push('runtime: external has no Toxiproxy or processes to fault; use local or docker');
  if (problems.length) throw new InvalidConfigError('invalid chaos options', problems);

  const seed = opts.seed ?? randomSeed();
  const log = (l: string) => ctx.stdout.write(`${l}\n`);
  log(`chaos: seed ${seed} (replay with --seed ${seed})`);
  const results: ExperimentResult[] = [];
  for (const def of selected) {
    if (ctx.signal.aborted) break;
    const runId = newRunId(`chaos-${def.name}`);
    const runDir = join(ctx.cwd, 'reports', 'runs', runId);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'seed'), `${seed}\n`);
    const runtime = await (opts.runtimeFactory ?? defaultRuntime)(opts.runtime ?? 'auto');
    let stack: StartedTargetStack | undefined;
    try {
      stack = await runtime.start({ runId, runDir, cwd: ctx.cwd, env: ctx.env, log: (l) => ctx.stderr.write(`${l}\n`), signal: ctx.signal, seed, toxiproxy: true });
      const r = await runExperiment(def, { stack, runDir, seed, duration: opts.duration, signal: ctx.signal, log });
      results.push(r);
      const rec = r.recovery.map((x) => `${x.fault} ${x.recoveryMs === undefined ? 'never' : `${x.recoveryMs}ms`}`).join(', ');
      log(`chaos: ${def.name}: ${r.verdict.toUpperCase()}${rec ? ` (recovery: ${rec})` : ''}${r.dataLoss ? ` data-loss: ${r.dataLoss.ok ? 'none' : 'FOUND'}` : ''}`);
      for (const p of r.problems) log(`  - ${p}`);
      log(`  run directory: ${runDir}`);
    } finally {
      await stack?.stop();
    }
  }
  if (ctx.signal.aborted || results.some((r) => r.verdict === 'aborted')) throw new AbortedError('chaos interrupted; every fault was rolled back');
  const failed = results.filter((r) => r.verdict !== 'passed');
  log(`chaos: ${results.length - failed.length}/${results.length} experiments passed`);
  return failed.length ? ExitCode.ThresholdsFailed : ExitCode.Ok;
}
