import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { equalSegments } from '../../vocabulary';
import { ExitCode } from '../errors';
import { ConcatRunnerMerge } from '../k6/merge/concat-runner-merge';
import { LiveRunnerMerge, type MergeFinishOptions } from '../k6/merge/live-runner-merge';
import { readRunnersFile, RUNNERS_FILES, waitForRunnersFile, writeRunnersFile, type MergedSummaryMessage, type ReadyMessage, type TeardownDoneMessage } from '../k6/merge/runners-protocol';
import { summaryExportJson } from '../k6/output/summary-export';
import { defaultSummaryText, type SummaryTextMode } from '../k6/output/handle-summary';
import { engineSummaryEnabled } from './engine-summary-enabled';
import type { Engine, EngineAvailability, EngineEnv, EngineResult, EngineRunArgs, EngineRunOptions } from './types';

export interface RunnersEngineOptions {
  /** How many engine processes, each on an equal execution segment (k6-operator's split). */
  runners: number;
  /** The script's `thresholds` option when it is a literal; else those of the streams' Metric lines. */
  thresholds?: unknown;
  /** How often the runners' streams are merged (ms, default 250) and abortOnFail judged (default 2000, k6's). */
  pollMs?: number;
  thresholdIntervalMs?: number;
}

/**
 * One test as N engine processes on one machine (`harness run --runners N`): each process runs
 * segment i of `0,1/N,...,1` with `--no-thresholds --no-summary --quiet`, writing its own k6 JSON
 * file (and, built-in, its aggregates); the merge concatenates the files as they grow into the
 * run's one stream (`outJsonPath`) and adds the aggregates up (ConcatRunnerMerge; real k6's
 * streams are decoded and ordered, LiveRunnerMerge), and the thresholds are judged here, over
 * every runner's data: abortOnFail every 2 s (a crossed one SIGINTs every runner, exit 99), all
 * of them once at the end. Then k6's end-of-test summary is printed once and `summaryExportPath`
 * written from the merged data, unless the summary is disabled (`--no-summary`, `--summary-mode
 * disabled`): then neither, as one k6 process would (thresholds are judged all the same).
 *
 *   base.run(segment 1/N) ─▶ runners/runner-1.ndjson (+ .aggregates.ndjson) ─┐
 *   ...                                                                       ├─ merge ─▶ samples.ndjson, thresholds, summary
 *   base.run(segment N/N) ─▶ runners/runner-N.ndjson (+ .aggregates.ndjson) ─┘
 *
 * Works over any Engine that takes k6's segment flags (the built-in engine, real k6).
 */
export class RunnersEngine implements Engine {
  readonly key: string;
  readonly description: string;

  constructor(
    private readonly base: Engine,
    private readonly o: RunnersEngineOptions,
  ) {
    this.key = base.key;
    this.description = `${base.description}, ${o.runners} runner processes`;
  }

  available(env: EngineEnv): Promise<EngineAvailability> {
    return this.base.available(env);
  }

  async checkArgs(args: EngineRunArgs, env: EngineEnv): Promise<void> {
    await this.base.checkArgs?.(args, env);
  }

  async run(opts: EngineRunOptions): Promise<EngineResult> {
    const started = Date.now();
    const n = this.o.runners;
    const seg = equalSegments(n);
    const outJson = opts.args.outJsonPath && resolve(opts.cwd, opts.args.outJsonPath);
    const summaryPath = opts.args.summaryExportPath && resolve(opts.cwd, opts.args.summaryExportPath);
    const dir = join(dirname(outJson ?? summaryPath ?? join(opts.cwd, 'x')), 'runners');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = seg.segments.map((_, i) => join(dir, `runner-${i + 1}.ndjson`));
    const withLifecycle = this.base.runnersLifecycle === true;
    const lifecycleFile = join(dir, 'lifecycle.ndjson');
    // built-in instances (those with a lifecycle instance) also ship their aggregates: the merge
    // then decodes no sample line (ConcatRunnerMerge); real k6's streams are decoded (LiveRunnerMerge)
    const aggregateFiles = withLifecycle ? [...files, lifecycleFile].map((f) => f.replace(/\.ndjson$/, '.aggregates.ndjson')) : undefined;
    const mergedFile = outJson ?? join(dir, 'merged.ndjson');
    // and append their raw lines to the run's one samples file themselves (O_APPEND, each Metric
    // line once among them: `--json-shared`): the merge then touches no raw byte (docs/scaling.md)
    const direct = withLifecycle && !mergedFile.endsWith('.gz');
    if (direct) writeFileSync(mergedFile, '');
    const sharedJson = direct ? ['--json-shared', dir] : [];
    const stop = new AbortController();
    let thresholdAbort: string[] | undefined;
    let scriptAbort = false;
    const onUser = () => stop.abort();
    if (opts.signal?.aborted) stop.abort();
    opts.signal?.addEventListener('abort', onUser, { once: true });
    const say = (l: string) => opts.stderr?.write(`${l}\n`);

    // one instance runs setup(), teardown() and the summary for all (runners-protocol.ts); it
    // hears the user's Ctrl-C (setup stops) but not the runners' stop: teardown waits for them
    const lifecycleGone = new AbortController();
    const lifecycle = withLifecycle
      ? this.base
          .run({
            ...opts,
            onProgress: undefined,
            args: { ...opts.args, outJsonPath: direct ? mergedFile : lifecycleFile, quiet: true, extraArgs: [...(opts.args.extraArgs ?? []), '--no-thresholds', '--lifecycle-for', dir, '--aggregates-out', aggregateFiles![n], ...sharedJson] },
          })
          .finally(() => {
            lifecycleGone.abort();
            // it ended before its runners (its init or setup failed): they wait for a setup that never comes
            if (!runnersDone) stop.abort();
          })
      : undefined;
    lifecycle?.catch(() => undefined); // awaited at the end; until then its failure must not be an unhandled rejection
    let runnersDone = false;

    let merge: LiveRunnerMerge | ConcatRunnerMerge | undefined;
    const doneBeforeMerge: number[] = [];
    const runnerExit = (i: number, r: EngineResult | undefined) => {
      if (merge) merge.runnerDone(i);
      else doneBeforeMerge.push(i);
      // exec.test.abort() in one runner stops the whole test, as in one process
      if (r?.exitCode === ExitCode.ScriptAborted && !stop.signal.aborted) {
        scriptAbort = true;
        say(`runner ${i + 1}/${n} called test.abort(): stopping every runner`);
        stop.abort();
      }
    };
    const runners = Promise.all(
      seg.segments.map((segment, i) =>
        this.base
          .run({
            ...opts,
            signal: stop.signal,
            stdout: undefined,
            onProgress: undefined,
            args: {
              ...opts.args,
              outJsonPath: direct ? mergedFile : files[i],
              summaryExportPath: undefined,
              quiet: true,
              noSummary: true,
              summaryMode: undefined, // the summary is printed once, by the lifecycle instance or here
              extraArgs: [
                ...(opts.args.extraArgs ?? []),
                '--no-thresholds',
                ...(withLifecycle ? ['--setup-from', dir, '--no-teardown', '--aggregates-out', aggregateFiles![i], ...sharedJson] : []),
                '--execution-segment',
                segment,
                '--execution-segment-sequence',
                seg.sequence,
              ],
            },
          })
          .then(
            (r) => (runnerExit(i, r), r),
            (e) => {
              runnerExit(i, undefined);
              throw e;
            },
          ),
      ),
    );

    runners.catch(() => undefined); // awaited below, after the merge started
    // the runners judge nothing (--no-thresholds, so their Metric lines carry none): the thresholds
    // are the script's literal ones, else those the lifecycle instance consolidated, else `inspect`'s
    const ready = withLifecycle ? await waitForRunnersFile<ReadyMessage>(dir, RUNNERS_FILES.ready, { signal: lifecycleGone.signal }).catch(() => undefined) : undefined;
    const thresholds = this.o.thresholds ?? (withLifecycle ? ready?.thresholds : await this.base.inspectThresholds?.(opts));
    merge = aggregateFiles ? new ConcatRunnerMerge({ files: [...files, lifecycleFile], aggregates: aggregateFiles, outFile: direct ? undefined : mergedFile, thresholds }) : new LiveRunnerMerge({ files, outFile: mergedFile, thresholds });
    const m0 = merge;
    for (const i of doneBeforeMerge) m0.runnerDone(i);
    // until setup() returned, the lifecycle instance's stream holds the merge back (its samples come first)
    let setupSeen = !withLifecycle;
    const poll = () => {
      if (!setupSeen && (readRunnersFile(dir, RUNNERS_FILES.setup) !== undefined || lifecycleGone.signal.aborted)) {
        setupSeen = true;
        m0.idle(n);
      }
      m0.poll();
    };
    const polling = setInterval(poll, this.o.pollMs ?? 250);
    const judge = setInterval(() => {
      if (stop.signal.aborted) return;
      poll();
      const r = m0.metrics.thresholds.evaluate(m0.elapsedMs, { final: false });
      if (!r.shouldAbort) return;
      thresholdAbort = r.breached;
      say(`thresholds on metrics '${r.breached.join(', ')}' were crossed (judged over all ${n} runners); at least one has abortOnFail enabled, stopping every runner`);
      stop.abort();
    }, this.o.thresholdIntervalMs ?? 2000);

    let results: EngineResult[];
    let lifecycleResult: EngineResult | undefined;
    let finishOptions: MergeFinishOptions = {};
    try {
      results = await runners;
      runnersDone = true;
      if (lifecycle) {
        writeRunnersFile(dir, RUNNERS_FILES.runnersDone, undefined);
        const td = await waitForRunnersFile<TeardownDoneMessage>(dir, RUNNERS_FILES.teardownDone, { signal: lifecycleGone.signal }).catch(() => undefined);
        finishOptions = { testRunDurationMs: td?.testRunDurationMs, summaryTrendStats: ready?.summaryTrendStats, summaryTimeUnit: ready?.summaryTimeUnit };
        if (!setupSeen) m0.idle(n);
        m0.runnerDone(n);
      }
    } finally {
      clearInterval(polling);
      clearInterval(judge);
      opts.signal?.removeEventListener('abort', onUser);
    }
    const m = m0.finish(finishOptions);
    if (lifecycle) {
      // handleSummary() runs there, over the merged data; the lifecycle instance exits after it
      if (!lifecycleGone.signal.aborted) writeRunnersFile(dir, RUNNERS_FILES.summary, { metrics: m.summary.metrics, root_group: m.summary.root_group, percentiles: m0.metrics.thresholdPercentiles(), samplesFile: mergedFile } satisfies MergedSummaryMessage);
      lifecycleResult = await lifecycle;
    } else {
      // the merged summary in the asked layout (default k6 v2's compact; full has no per-group/scenario data here)
      if (engineSummaryEnabled(opts.args, opts.env)) {
        if (summaryPath) writeFileSync(summaryPath, summaryExportJson(m.summary));
        const mode = (opts.args.summaryMode || opts.env.K6_SUMMARY_MODE || 'compact') as SummaryTextMode;
        opts.stdout?.write(defaultSummaryText(m.summary, mode, false));
      }
    }
    m.runners.forEach((r, i) => {
      if (i < n) say(`  runner ${i + 1}/${n} (segment ${seg.segments[i]}, exit ${results[i].exitCode}): ${r.iterations} iterations, ${r.requests} requests, ${r.points} samples`);
      else say(`  setup/teardown/summary instance (exit ${lifecycleResult?.exitCode}): ${r.requests} requests, ${r.points} samples`);
    });
    for (const e of m.thresholdErrors) say(`threshold error on ${e.metric}: ${e.message}`);
    rmSync(dir, { recursive: true, force: true });

    const interrupted = opts.signal?.aborted === true;
    const all = lifecycleResult ? [lifecycleResult, ...results] : results;
    let exitCode: number;
    if (interrupted) exitCode = ExitCode.ExternalAbort;
    else if (thresholdAbort) exitCode = ExitCode.ThresholdsFailed;
    else if (scriptAbort || all.some((r) => r.exitCode === ExitCode.ScriptAborted)) exitCode = ExitCode.ScriptAborted;
    // runners we stopped ourselves (the lifecycle instance failed) exit 105: the cause is the code
    else exitCode = all.find((r) => r.exitCode !== ExitCode.Ok && r.exitCode !== ExitCode.ExternalAbort)?.exitCode ?? all.find((r) => r.exitCode !== ExitCode.Ok)?.exitCode ?? ExitCode.Ok;
    if (m.breached.length && !thresholdAbort) {
      say(`thresholds on metrics '${m.breached.join(', ')}' have been crossed (judged once over all ${n} runners)`);
      if (exitCode === ExitCode.Ok) exitCode = ExitCode.ThresholdsFailed;
    }
    return {
      engine: this.key,
      exitCode,
      interrupted,
      killedBy: all.find((r) => r.killedBy)?.killedBy,
      durationMs: Date.now() - started,
      outJsonPath: outJson,
      summaryExportPath: summaryPath && existsSync(summaryPath) ? summaryPath : undefined,
      pid: results[0]?.pid,
    };
  }
}
