import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { equalSegments } from '../../vocabulary';
import { ExitCode } from '../errors';
import { LiveRunnerMerge } from '../k6/merge/live-runner-merge';
import { summaryExportJson } from '../k6/output/summary-export';
import { defaultSummaryText, type SummaryTextMode } from '../k6/output/handle-summary';
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
 * file; LiveRunnerMerge merges them as they grow into the run's one stream (`outJsonPath`), and the
 * thresholds are judged here, over every runner's samples: abortOnFail every 2 s (a crossed one
 * SIGINTs every runner, exit 99), all of them once at the end. Then k6's end-of-test summary is
 * printed once and `summaryExportPath` written from the merged data.
 *
 *   base.run(segment 1/N) ─▶ runners/runner-1.ndjson ─┐
 *   ...                                                ├─ LiveRunnerMerge ─▶ samples.ndjson, thresholds, summary
 *   base.run(segment N/N) ─▶ runners/runner-N.ndjson ─┘
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
    mkdirSync(dir, { recursive: true });
    const files = seg.segments.map((_, i) => join(dir, `runner-${i + 1}.ndjson`));
    // the runners judge nothing (--no-thresholds, so their Metric lines carry none): the thresholds
    // are the script's literal ones, else what the engine's `inspect` consolidates
    const thresholds = this.o.thresholds ?? (await this.base.inspectThresholds?.(opts));
    const merge = new LiveRunnerMerge({ files, outFile: outJson ?? join(dir, 'merged.ndjson'), thresholds });
    const stop = new AbortController();
    let thresholdAbort: string[] | undefined;
    const onUser = () => stop.abort();
    if (opts.signal?.aborted) stop.abort();
    opts.signal?.addEventListener('abort', onUser, { once: true });
    const say = (l: string) => opts.stderr?.write(`${l}\n`);

    const poll = setInterval(() => merge.poll(), this.o.pollMs ?? 250);
    const judge = setInterval(() => {
      if (stop.signal.aborted) return;
      merge.poll();
      const r = merge.metrics.thresholds.evaluate(merge.elapsedMs, { final: false });
      if (!r.shouldAbort) return;
      thresholdAbort = r.breached;
      say(`thresholds on metrics '${r.breached.join(', ')}' were crossed (judged over all ${n} runners); at least one has abortOnFail enabled, stopping every runner`);
      stop.abort();
    }, this.o.thresholdIntervalMs ?? 2000);

    let results: EngineResult[];
    try {
      results = await Promise.all(
        seg.segments.map((segment, i) =>
          this.base
            .run({
              ...opts,
              signal: stop.signal,
              stdout: undefined,
              onProgress: undefined,
              args: {
                ...opts.args,
                outJsonPath: files[i],
                summaryExportPath: undefined,
                quiet: true,
                noSummary: true,
                summaryMode: undefined, // the summary is printed here, once
                extraArgs: [...(opts.args.extraArgs ?? []), '--no-thresholds', '--execution-segment', segment, '--execution-segment-sequence', seg.sequence],
              },
            })
            .finally(() => merge.runnerDone(i)),
        ),
      );
    } finally {
      clearInterval(poll);
      clearInterval(judge);
      opts.signal?.removeEventListener('abort', onUser);
    }
    const m = merge.finish();
    if (summaryPath) writeFileSync(summaryPath, summaryExportJson(m.summary));
    m.runners.forEach((r, i) => say(`  runner ${i + 1}/${n} (segment ${seg.segments[i]}, exit ${results[i].exitCode}): ${r.iterations} iterations, ${r.requests} requests, ${r.points} samples`));
    // the merged summary in the asked layout (default k6 v2's compact; full has no per-group/scenario data here)
    const mode = (opts.args.summaryMode ?? 'compact') as SummaryTextMode | 'disabled';
    if (!opts.args.noSummary && mode !== 'disabled') opts.stdout?.write(defaultSummaryText(m.summary, mode, false));
    for (const e of m.thresholdErrors) say(`threshold error on ${e.metric}: ${e.message}`);
    rmSync(dir, { recursive: true, force: true });

    const interrupted = opts.signal?.aborted === true;
    let exitCode: number;
    if (interrupted) exitCode = ExitCode.ExternalAbort;
    else if (thresholdAbort) exitCode = ExitCode.ThresholdsFailed;
    else exitCode = results.find((r) => r.exitCode !== ExitCode.Ok)?.exitCode ?? ExitCode.Ok;
    if (m.breached.length && !thresholdAbort) {
      say(`thresholds on metrics '${m.breached.join(', ')}' have been crossed (judged once over all ${n} runners)`);
      if (exitCode === ExitCode.Ok) exitCode = ExitCode.ThresholdsFailed;
    }
    return {
      engine: this.key,
      exitCode,
      interrupted,
      killedBy: results.find((r) => r.killedBy)?.killedBy,
      durationMs: Date.now() - started,
      outJsonPath: outJson,
      summaryExportPath: summaryPath,
      pid: results[0]?.pid,
    };
  }
}
