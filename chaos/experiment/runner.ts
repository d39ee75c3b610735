import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../../harness/errors';
import { randomSeed } from '../random';
import { evaluateThresholds, isFailure, recoveryTimes, type RecoveryResult, type ThresholdResult } from './analysis';
import { checkDataLoss, type DataLossResult } from './data-loss';
import { nonNegativeDurationMs as parseDuration } from '../../vocabulary';
import { formatMs } from './format-ms';
import { FaultDriver } from './fault-driver';
import { Journal } from './journal';
import { HttpLoad, type LoadDriver, type LoadResult, type LoadSample, type RunningLoad } from './load';
import { pointsFromSamples, tagPoints, writeTaggedStream } from './k6-stream';
import { runProbes, type ProbeResult } from './probes';
import { buildSchedule, phaseAt, type FaultWindow, type PlannedFault, type Schedule } from './schedule';
import { isNetworkFault, type ChaosTarget, type ExperimentDefinition, type TargetAccounting } from './types';
import { withTimeout } from './with-timeout';

export interface RunExperimentOptions {
  stack: ChaosTarget;
  /**
   * The target's accounting for `queue-depth` probes and `noDataLoss` (the harness wires
   * `redisAccounting(stack.redisUrl)`); without it those report a problem.
   */
  accounting?: TargetAccounting;
  /** The run directory: the journal, samples and result go here. */
  runDir: string;
  /** Seeds the schedule (jitter); printed and journaled. Random if absent. */
  seed?: number;
  /** Rescales the whole timeline to this length (`--duration`). */
  duration?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /**
   * Background load. The CLI passes `K6Load` (the experiment's k6 scenario on the run session's engine step);
   * default the dependency-free built-in HTTP load with the definition's `load` spec (tests).
   */
  load?: LoadDriver;
  /** Deadline of every Toxiproxy / runtime control call (default 5000). */
  controlTimeoutMs?: number;
  /** Sent with every Toxiproxy call (a built-in server started with HARNESS_TOXIPROXY_TOKEN requires it). */
  toxiproxyToken?: string;
  drainTimeoutMs?: number;
  /** How often the hypothesis probes run during the method (default 1000 ms). */
  probeIntervalMs?: number;
  /** Called after each fault is injected; a throw stands for a harness failure (tests use it). */
  onFaultInjected?: (fault: PlannedFault) => void | Promise<void>;
}

export type Verdict = 'passed' | 'failed' | 'aborted';

export interface ExperimentResult {
  name: string;
  seed: number;
  verdict: Verdict;
  /** Why it failed, one line each. */
  problems: string[];
  schedule: Schedule;
  windows: FaultWindow[];
  hypothesis: { before: ProbeResult[]; during: Array<ProbeResult & { t: number; phase: string }>; after: ProbeResult[] };
  thresholds: ThresholdResult[];
  recovery: RecoveryResult[];
  dataLoss?: DataLossResult;
  requests: { total: number; failed: number; byPhase: Record<string, { total: number; failed: number }> };
  journalFile: string;
  /** The phase-tagged k6 JSON stream (`chaos-samples.jsonl`). */
  samplesFile: string;
  /** The engine's raw k6 JSON stream, when the load came from an engine. */
  streamFile?: string;
}

/** Resolves with the promise's value, or undefined once the signal aborts. */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function pollProbes(def: ExperimentDefinition, stack: ChaosTarget, accounting: TargetAccounting | undefined, withinMs: number, signal?: AbortSignal): Promise<ProbeResult[]> {
  const deadline = performance.now() + withinMs;
  let results = await runProbes(def.hypothesis.probes ?? [], stack, accounting);
  while (results.some((r) => !r.ok) && performance.now() < deadline && !signal?.aborted) {
    await abortableSleep(200, signal);
    results = await runProbes(def.hypothesis.probes ?? [], stack, accounting);
  }
  return results;
}

/**
 * Runs one experiment against a started stack:
 *
 *   before (hypothesis must hold) ─▶ load + method timeline (probes continuously) ─▶ rollback
 *   (always) ─▶ after (hypothesis within recoveryWithin) ─▶ drain + data-loss accounting ─▶ verdict
 *
 * Phases (`baseline`, `fault:<name>`, `recovery`) are assigned to samples from the actual
 * injection times in the journal. Rollback runs on success, failure, abort and harness errors;
 * a harness error is rethrown after it.
 */
export async function runExperiment(def: ExperimentDefinition, o: RunExperimentOptions): Promise<ExperimentResult> {
  const seed = o.seed ?? randomSeed();
  const log = o.log ?? (() => {});
  const durationMs = o.duration ? parseDuration(o.duration) : undefined;
  if (o.duration && durationMs === undefined) throw new InfraError(`--duration "${o.duration}" is not a duration`);
  const schedule = buildSchedule(def, { seed, durationMs });
  mkdirSync(o.runDir, { recursive: true });
  const journalFile = join(o.runDir, 'chaos-journal.jsonl');
  const samplesFile = join(o.runDir, 'chaos-samples.jsonl');
  const journal = new Journal(journalFile);
  const controlMs = o.controlTimeoutMs ?? 5000;
  const driver = o.stack.toxiproxy ? new FaultDriver(o.stack.toxiproxy, controlMs, o.toxiproxyToken) : undefined;
  // Unscaled: the target recovers in real time whatever `--duration` is (the schedule keeps a
  // recovery phase at least this long plus a margin, see Schedule.recoveryFloorMs).
  const recoveryWithinMs = parseDuration(def.verify.recoveryWithin ?? '10s')!;
  const windows: FaultWindow[] = [];
  const during: ExperimentResult['hypothesis']['during'] = [];
  const problems: string[] = [];
  const killed = new Set<'worker' | 'gateway'>();
  let samples: LoadSample[] = [];
  let loadResult: LoadResult | undefined;
  let before: ProbeResult[] = [];
  let after: ProbeResult[] = [];
  let dataLoss: DataLossResult | undefined;
  let harnessError: unknown;

  journal.write('start', { experiment: def.name, seed, scale: schedule.scale, totalMs: schedule.totalMs, runtime: o.stack.runtime, runId: o.stack.runId });
  // The planned schedule (offsets from the load's start): identical for the same seed and duration.
  journal.write('schedule', {
    seed,
    totalMs: schedule.totalMs,
    scaledMs: schedule.scaledMs,
    recoveryFloorMs: schedule.recoveryFloorMs,
    faults: schedule.faults.map((f) => ({ name: f.name, startMs: f.startMs, endMs: f.endMs })),
  });
  log(`chaos: ${def.name} seed=${seed} duration=${formatMs(schedule.totalMs)} faults=${schedule.faults.map((f) => `${f.name}@${formatMs(f.startMs)}`).join(', ')}`);

  const needsProxy = schedule.faults.some((f) => isNetworkFault(f.step));
  if (needsProxy && !driver) throw new InfraError(`experiment ${def.name} injects network faults but the ${o.stack.runtime} stack has no Toxiproxy`, { hint: 'use --runtime local or docker' });

  const inject = async (f: PlannedFault) => {
    const step = f.step;
    const w: FaultWindow = { name: f.name, phase: f.phase, startMs: journal.now() };
    windows.push(w);
    if (isNetworkFault(step)) {
      if ('partition' in step.toxic) await driver!.setEnabled(step.link, false);
      else await driver!.addToxic(step.link, f.name, step.toxic);
      journal.write('inject', { fault: f.name, link: step.link, toxic: step.toxic });
    } else {
      journal.write('inject', { fault: f.name, action: step.action, component: step.component });
      if (step.action === 'kill') {
        killed.add(step.component);
        await withTimeout(`kill ${step.component}`, controlMs * 2, () => o.stack.kill(step.component));
      } else {
        await withTimeout(`restart ${step.component}`, controlMs * 6, () => o.stack.restart(step.component));
        w.endMs = journal.now();
        journal.write('restored', { fault: f.name });
      }
    }
    log(`chaos: t=${formatMs(w.startMs)} injected ${f.name}`);
    await o.onFaultInjected?.(f);
  };
  const restore = async (f: PlannedFault) => {
    const step = f.step;
    const w = windows.find((x) => x.name === f.name);
    if (isNetworkFault(step)) {
      if ('partition' in step.toxic) await driver!.setEnabled(step.link, true);
      else await driver!.removeToxic(step.link, f.name);
    } else if (step.action === 'kill') {
      await withTimeout(`restart ${step.component}`, controlMs * 6, () => o.stack.restart(step.component));
      killed.delete(step.component);
    } else return;
    if (w) w.endMs = journal.now();
    journal.write('restored', { fault: f.name });
    log(`chaos: t=${formatMs(journal.now())} restored ${f.name}`);
  };

  const stopProbing = new AbortController();
  try {
    before = await pollProbes(def, o.stack, o.accounting, 10_000, o.signal);
    journal.write('hypothesis', { when: 'before', results: before });
    if (before.some((r) => !r.ok)) {
      problems.push(`steady state not met before the method: ${before.filter((r) => !r.ok).map((r) => `${r.probe}: ${r.detail}`).join('; ')}`);
    } else {
      const loadDriver = o.load ?? new HttpLoad(def.load);
      const load: RunningLoad = loadDriver.start({ targetUrl: o.stack.targetUrl, now: () => journal.now(), signal: o.signal ?? new AbortController().signal, durationMs: schedule.totalMs });
      let graceful = false;
      let probing: Promise<void> | undefined;
      let failure: unknown;
      try {
        // Faults are scheduled relative to when load is actually offered (an engine takes a
        // moment to start), so the baseline phase keeps its planned length.
        const origin = (await untilAborted(load.ready, o.signal)) ?? journal.now();
        journal.write('load-started', { origin });
        probing = (async () => {
          while (!stopProbing.signal.aborted) {
            await abortableSleep(o.probeIntervalMs ?? 1000, stopProbing.signal);
            if (stopProbing.signal.aborted) break;
            const t = journal.now();
            const phase = phaseAt(t, windows.length ? windows : [{ name: '', phase: 'baseline', startMs: Infinity }]);
            for (const r of await runProbes(def.hypothesis.probes ?? [], o.stack, o.accounting)) {
              during.push({ ...r, t, phase });
              journal.write('probe', { phase, ...r });
            }
          }
        })();
        // The timeline: every injection and restoration at its planned offset, in order.
        const events = schedule.faults
          .flatMap((f) => [
            { t: f.startMs, run: () => inject(f) },
            ...(f.endMs > f.startMs || (!isNetworkFault(f.step) && f.step.action === 'kill') ? [{ t: Math.max(f.endMs, f.startMs), run: () => restore(f) }] : []),
          ])
          .sort((a, b) => a.t - b.t);
        for (const ev of events) {
          await abortableSleep(origin + ev.t - journal.now(), o.signal);
          if (o.signal?.aborted) break;
          await ev.run();
        }
        await abortableSleep(origin + schedule.totalMs - journal.now(), o.signal);
        graceful = !o.signal?.aborted;
      } catch (e) {
        failure = e;
      }
      try {
        loadResult = await load.stop({ graceful });
        samples = loadResult.samples;
      } catch (e) {
        failure ??= e; // the first failure is the one to report
      } finally {
        stopProbing.abort();
        await probing;
        journal.write('load-stopped', { requests: samples.length, ...(loadResult?.dropped ? { dropped: loadResult.dropped } : {}) });
      }
      if (failure) throw failure;
    }
  } catch (e) {
    harnessError = e;
    journal.write('error', { message: (e as Error).message });
    log(`chaos: harness error: ${(e as Error).message}; rolling back`);
  } finally {
    // Rollback, always: every toxic removed, proxies re-enabled, killed processes restarted.
    const rb: string[] = driver ? await driver.rollback() : [];
    for (const c of [...killed, ...(def.rollbacks ?? []).map((r) => r.replace('restart-', '') as 'worker' | 'gateway')]) {
      await withTimeout(`restart ${c}`, controlMs * 6, () => o.stack.restart(c)).catch((e) => rb.push(`restart ${c}: ${(e as Error).message}`));
    }
    for (const w of windows) w.endMs ??= journal.now();
    journal.write('rollback', { ok: rb.length === 0, problems: rb });
    if (rb.length) problems.push(`rollback incomplete: ${rb.join('; ')} (run \`harness reap\`)`);
  }
  if (harnessError) throw harnessError;

  const aborted = Boolean(o.signal?.aborted);
  // Phases from the actual windows, on the load's k6 stream (or its equivalent for HttpLoad).
  const stream = loadResult?.stream ?? pointsFromSamples(samples, { experiment: def.name });
  tagPoints(stream.points, windows);
  writeTaggedStream(samplesFile, stream, (t) => journal.epochAtZero + t);
  const byPhase: ExperimentResult['requests']['byPhase'] = {};
  for (const s of samples) {
    const p = (byPhase[phaseAt(s.t + s.durationMs, windows)] ??= { total: 0, failed: 0 });
    p.total++;
    if (isFailure(s)) p.failed++;
  }
  const thresholds = before.every((r) => r.ok) ? evaluateThresholds(stream, def.hypothesis.thresholds ?? {}) : [];
  for (const t of thresholds) if (!t.ok) problems.push(`threshold ${t.key}: ${t.threshold} crossed (actual ${t.actual})`);
  const slo = def.hypothesis.errorRateSlo ?? 0.05;
  const recovery = samples.length ? recoveryTimes(samples, windows, { slo, endMs: Math.max(...samples.map((s) => s.t + s.durationMs)) + 1 }) : [];
  journal.write('recovery', { slo, results: recovery });
  if (def.verify.recoveryWithin && !aborted) {
    for (const r of recovery) {
      if (r.recoveryMs === undefined || r.recoveryMs > recoveryWithinMs) {
        problems.push(`${r.fault}: error rate not back within ${slo * 100}% ${r.recoveryMs === undefined ? 'before the load ended' : `until ${formatMs(r.recoveryMs)}`} (allowed ${formatMs(recoveryWithinMs)})`);
      }
    }
  }
  if (before.every((r) => r.ok) && !aborted) {
    after = await pollProbes(def, o.stack, o.accounting, Math.max(recoveryWithinMs, 2000), o.signal);
    journal.write('hypothesis', { when: 'after', results: after });
    for (const r of after.filter((x) => !x.ok)) problems.push(`steady state not restored: ${r.probe}: ${r.detail}`);
    if (def.verify.noDataLoss) {
      if (!o.accounting) problems.push('noDataLoss: no target accounting (the stack exposes no Redis URL to account with)');
      else {
        const ids = samples.filter((s) => s.status === 202 && s.id).map((s) => s.id!);
        const clientAccepted = samples.filter((s) => s.status === 202).length;
        dataLoss = await checkDataLoss(o.accounting, ids, { drainTimeoutMs: o.drainTimeoutMs ?? 30_000, clientAccepted });
        journal.write('data-loss', { ok: dataLoss.ok, clientAccepted, clientIds: dataLoss.clientIds, clientMissing: dataLoss.clientMissing, accounting: dataLoss.accounting, problems: dataLoss.problems });
        problems.push(...dataLoss.problems.map((p) => `data loss: ${p}`));
      }
    }
  }
  const verdict: Verdict = aborted ? 'aborted' : problems.length ? 'failed' : 'passed';
  const result: ExperimentResult = {
    name: def.name,
    seed,
    verdict,
    problems,
    schedule,
    windows,
    hypothesis: { before, during, after },
    thresholds,
    recovery,
    dataLoss,
    requests: { total: samples.length, failed: samples.filter(isFailure).length, byPhase },
    journalFile,
    samplesFile,
    streamFile: loadResult?.streamFile,
  };
  journal.write('verdict', { verdict, problems });
  writeFileSync(join(o.runDir, `chaos-result-${def.name}.json`), JSON.stringify({ ...result, schedule: { ...schedule, faults: schedule.faults.map(({ step, ...f }) => f) } }, null, 2));
  return result;
}
