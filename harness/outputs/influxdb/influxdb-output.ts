import { join, relative } from 'node:path';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { InvalidConfigError } from '../../errors';
import { ChaosPhases } from './chaos-phases';
import { describeSettings, influxSettings, publicUrl, type InfluxSettings } from './config';
import { InfluxSink } from './influx-sink';
import type { RunTags } from './point-tags';
import { PointWriter, type LineSink, type PointWriterOptions, type WriteStats } from './point-writer';
import { RawShape } from './raw-shape';
import { RollupShape, type PointShape } from './rollup-shape';
import { followSamples, type SampleSource } from './sample-source';
import { Spool } from './spool';
import { TargetSampler, type TargetEndpoints } from './target-sampler';

/** The part of the run session's output context this output uses (harness/run `RunOutputContext`). */
export interface InfluxOutputContext {
  runId: string;
  runDir: string;
  cwd: string;
  log: (line: string) => void;
  /** The target under load: sampled (gateway /metrics, Redis INFO) unless it is `external`. */
  target?: TargetEndpoints & { runtime: string };
}

export interface InfluxOutputDeps {
  source?: SampleSource;
  sink?: (s: InfluxSettings) => LineSink & { close?(): void };
  writer?: PointWriterOptions;
  /** Rollup: how far behind the newest sample a second is closed. */
  graceMs?: number;
}

/** What run.json records under `influxdb` (no token). */
export interface InfluxRunRecord extends WriteStats {
  url: string;
  bucket: string;
  shape: string;
  /** Points still in `influxdb-spool/` (for `harness push`). */
  pending: number;
  /** Rollup: samples later than their second's close (counted in the next open second). */
  late: number;
  /** Of `produced`: the target's own points (gateway /metrics, Redis INFO). */
  targetPoints: number;
}

/**
 * `--out influxdb[=URL]`: streams the k6 JSON stream into InfluxDB while the engine writes it.
 *
 *   onEngineStart ─▶ follow samples.ndjson ─▶ shape (rollup | raw) ─▶ PointWriter ─▶ /api/v2/write
 *                                                                        └─▶ influxdb-spool/ (server down)
 *   onSamplesFile ─▶ last lines, flush, replay ─▶ afterRun: summary line + run.json `influxdb`
 *
 * The run's verdict never depends on the database: no hook throws for a write problem; what was
 * not written stays in the spool for `harness push <run-dir>`.
 */
export function influxdbOutput(arg: string | undefined, base: InfluxSettings, deps: InfluxOutputDeps = {}) {
  const { settings, problems } = influxSettings(base, arg);
  const source = deps.source ?? followSamples;
  const totals: InfluxRunRecord = { url: publicUrl(settings.url), bucket: settings.bucket, shape: settings.shape, produced: 0, written: 0, spooled: 0, replayed: 0, pending: 0, late: 0, targetPoints: 0 };
  let stream: { abort: AbortController; done: Promise<void>; writer: PointWriter; shape: PointShape; sink: LineSink & { close?(): void }; rollup?: RollupShape; sampler?: TargetSampler; sampled: () => number } | undefined;
  let ran = false;

  async function consume(file: string, signal: AbortSignal, shape: PointShape, writer: PointWriter, rollup: RollupShape | undefined, phases: ChaosPhases): Promise<void> {
    const emit = (line: string) => writer.add(line);
    let n = 0;
    let refreshed = 0;
    for await (const r of source(file, { follow: true, signal })) {
      if (r.type === 'Metric') rollup?.metricType(r.metric.name, r.metric.type);
      else shape.add(r.sample, emit);
      if (++n % 4096 === 0) {
        if (Date.now() - refreshed > 500) {
          phases.refresh();
          refreshed = Date.now();
        }
        await yieldToIo(); // let the writer's requests progress while a backlog is read
      }
    }
    shape.flush(emit);
  }

  async function finishStream(ctx: InfluxOutputContext): Promise<void> {
    const s = stream;
    if (!s) return;
    stream = undefined;
    s.abort.abort();
    try {
      await s.done;
    } catch (e) {
      ctx.log(`influxdb: reading the sample stream failed: ${(e as Error).message}`);
    }
    await s.sampler?.stop();
    const stats = await s.writer.close();
    totals.targetPoints += s.sampled();
    s.sink.close?.();
    for (const k of ['produced', 'written', 'spooled', 'replayed'] as const) totals[k] += stats[k];
    totals.late += s.rollup?.late ?? 0;
  }

  return {
    name: arg === undefined ? 'influxdb' : `influxdb=${arg}`,
    settings,
    check(): void {
      if (problems.length) throw new InvalidConfigError(problems.join('; '), [], { hint: 'see docs/influxdb.md (INFLUX_URL, INFLUX_ORG, INFLUX_BUCKET, INFLUX_TOKEN)' });
    },
    async onEngineStart(file: string, ctx: InfluxOutputContext): Promise<void> {
      await finishStream(ctx);
      ran = true;
      const phases = new ChaosPhases(join(ctx.runDir, 'chaos-journal.jsonl'));
      phases.refresh();
      const tags: RunTags = { runId: ctx.runId, testId: ctx.runId, dropTags: new Set(settings.dropTags), phases };
      const rollup = settings.shape === 'rollup' ? new RollupShape(tags, deps.graceMs) : undefined;
      const shape: PointShape = rollup ?? new RawShape(tags);
      const sink = (deps.sink ?? ((s) => new InfluxSink(s)))(settings);
      const writer = new PointWriter(sink, new Spool(ctx.runDir), { log: ctx.log, ...deps.writer });
      const abort = new AbortController();
      const done = consume(file, abort.signal, shape, writer, rollup, phases);
      done.catch(() => {}); // awaited (and reported) in finishStream
      let sampled = 0;
      const sampler =
        ctx.target && ctx.target.runtime !== 'external' && settings.sampleTarget
          ? new TargetSampler(ctx.target, { run_id: ctx.runId, testid: ctx.runId }, (line) => {
              sampled++;
              writer.add(line);
            }).start()
          : undefined;
      stream = { abort, done, writer, shape, sink, rollup, sampler, sampled: () => sampled };
      ctx.log(`influxdb: streaming to ${describeSettings(settings)}`);
    },
    async onSamplesFile(_file: string, ctx: InfluxOutputContext): Promise<void> {
      await finishStream(ctx);
    },
    async afterRun(result: { info: Readonly<Record<string, unknown>> }, ctx: InfluxOutputContext): Promise<void> {
      await finishStream(ctx);
      if (!ran) return;
      const spool = new Spool(ctx.runDir);
      totals.pending = spool.pendingLines();
      (result.info as Record<string, unknown>).influxdb = { ...totals };
      const wait = totals.pending ? `; ${totals.pending} waiting in ${relative(ctx.cwd, spool.dir) || spool.dir}: harness push ${relative(ctx.cwd, ctx.runDir) || ctx.runDir}` : '';
      ctx.log(`influxdb: ${totals.produced} points (${settings.shape}): ${totals.written} written, ${totals.spooled} spooled, ${totals.replayed} replayed${wait}`);
    },
  };
}

export type InfluxOutput = ReturnType<typeof influxdbOutput>;
