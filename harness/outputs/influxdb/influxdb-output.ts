import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { InvalidConfigError } from '../../errors';
import { ChaosPhases } from './chaos-phases';
import { describeSettings, influxSettings, publicUrl, type InfluxSettings } from './config';
import { InfluxSink } from './influx-sink';
import { encodeLine, msToNs } from './line-protocol';
import type { RunTags } from './point-tags';
import { PointWriter, type LineSink, type PointWriterOptions, type WriteStats } from './point-writer';
import { RawShape } from './raw-shape';
import { RollupShape, type PointShape } from './rollup-shape';
import { followSamples, type SampleSource } from './sample-source';
import { Spool } from './spool';
import type { TargetFeed } from '../../target-sampling';
import { targetLines } from './target-points';

/** The part of the run session's output context this output uses (harness/run `RunOutputContext`). */
export interface InfluxOutputContext {
  runId: string;
  /** `GRAFANA_URL`: the run's dashboard link is printed and recorded. */
  env?: Record<string, string | undefined>;
  runDir: string;
  cwd: string;
  log: (line: string) => void;
  /** The target under load; `feed`: the run's one target sampler (gateway /metrics, Redis INFO), absent on `external`. */
  target?: { runtime: string; feed?: TargetFeed };
}

export interface InfluxOutputDeps {
  source?: SampleSource;
  sink?: (s: InfluxSettings) => LineSink & { close?(): void };
  writer?: PointWriterOptions;
  /** Rollup: how far behind the newest sample a second is closed. */
  graceMs?: number;
  /** After the engine exits, how long points are still sent before the rest is spooled (30 s). */
  finishWithinMs?: number;
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
  /** Of `produced`: one `k6_thresholds` point per threshold of the run's summary. */
  thresholdPoints: number;
  /** Of `produced` (raw shape): one `k6_metrics` point per metric (the stream's Metric lines). */
  metricPoints: number;
}

/**
 * `--out influxdb[=URL]`: streams the k6 JSON stream into InfluxDB while the engine writes it.
 *
 *   onEngineStart ─▶ follow samples.ndjson ─▶ shape (rollup | raw) ─▶ PointWriter ─▶ /api/v2/write
 *                    run's target sampler (1 s), chaos journal ─────────▲     └─▶ influxdb-spool/ (down)
 *   onSamplesFile ─▶ the stream's last lines (sent for up to 30 s, then spooled)
 *   afterRun      ─▶ thresholds, last journal entries, flush, replay ─▶ summary line, run.json `influxdb`
 *
 * The run's verdict never depends on the database: no hook throws for a write problem; what was
 * not written stays in the spool for `harness push <run-dir>`.
 */
export function influxdbOutput(arg: string | undefined, base: InfluxSettings, deps: InfluxOutputDeps = {}) {
  const { settings, problems } = influxSettings(base, arg);
  const source = deps.source ?? followSamples;
  const totals: InfluxRunRecord = { url: publicUrl(settings.url), bucket: settings.bucket, shape: settings.shape, produced: 0, written: 0, spooled: 0, replayed: 0, pending: 0, late: 0, targetPoints: 0, thresholdPoints: 0, metricPoints: 0 };
  /** One per run: where points go, the chaos journal, the subscription to the run's target sampler. */
  let pipe: { writer: PointWriter; sink: LineSink & { close?(): void }; phases: ChaosPhases; refresh: NodeJS.Timeout; unsubscribe?: () => void; sampled: () => number } | undefined;
  /** One per engine step: the followed sample stream. */
  let stream: { abort: AbortController; done: Promise<void>; rollup?: RollupShape; raw?: RawShape } | undefined;

  async function consume(file: string, signal: AbortSignal, shape: PointShape, writer: PointWriter, rollup: RollupShape | undefined, raw: RawShape | undefined): Promise<void> {
    const emit = (line: string) => writer.add(line);
    for await (const batch of source(file, { follow: true, signal })) {
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i];
        if (r.type === 'Point') shape.add(r.sample, emit);
        else if (rollup) rollup.metricType(r.metric.name, r.metric.type);
        else raw?.metric(r.metric, emit);
      }
      // backpressure: a slow server slows this reading (the stream is on disk), never the engine
      if (writer.backlogged) await writer.room();
      else await yieldToIo(); // let the writer's requests progress
    }
    shape.flush(emit);
  }

  function openPipe(ctx: InfluxOutputContext): NonNullable<typeof pipe> {
    if (pipe) return pipe;
    const sink = (deps.sink ?? ((s) => new InfluxSink(s)))(settings);
    const writer = new PointWriter(sink, new Spool(ctx.runDir), { log: ctx.log, ...deps.writer });
    const scenario = runScenario(ctx.runDir);
    const own = { run_id: ctx.runId, testid: ctx.runId, ...(scenario ? { scenario } : {}) };
    // chaos events (journal entries) as annotation points; the same reads tag samples with their phase
    const phases = new ChaosPhases(join(ctx.runDir, 'chaos-journal.jsonl'), (e) => {
      const line = encodeLine('chaos_events', { ...own, event: e.event, ...(e.fault ? { fault: e.fault } : {}) }, { text: e.text, value: { int: 1 } }, msToNs(e.at));
      if (line) writer.add(line);
    });
    phases.refresh();
    const refresh = setInterval(() => phases.refresh(), 200);
    refresh.unref();
    let sampled = 0;
    const unsubscribe = settings.sampleTarget
      ? ctx.target?.feed?.subscribe((s) => {
          for (const line of targetLines(s, own)) {
            sampled++;
            writer.add(line);
          }
        })
      : undefined;
    ctx.log(`influxdb: streaming to ${describeSettings(settings)}`);
    return (pipe = { writer, sink, phases, refresh, unsubscribe, sampled: () => sampled });
  }

  async function finishStream(ctx: InfluxOutputContext): Promise<void> {
    const s = stream;
    if (!s) return;
    stream = undefined;
    // the engine is done: what the server has not taken by then goes to the spool
    pipe?.writer.sendUntil(Date.now() + (deps.finishWithinMs ?? 30_000));
    s.abort.abort();
    try {
      await s.done;
    } catch (e) {
      ctx.log(`influxdb: reading the sample stream failed: ${(e as Error).message}`);
    }
    pipe?.writer.sendUntil(Infinity); // events and target points after the load are sent as they come
    totals.late += s.rollup?.late ?? 0;
    totals.metricPoints += s.raw?.metricPoints ?? 0;
  }

  async function closePipe(): Promise<void> {
    const p = pipe;
    if (!p) return;
    pipe = undefined;
    clearInterval(p.refresh);
    p.writer.sendUntil(Date.now() + (deps.finishWithinMs ?? 30_000));
    p.phases.refresh(); // the experiment's last entries (rollback, verdict)
    p.unsubscribe?.();
    const stats = await p.writer.close();
    p.sink.close?.();
    totals.targetPoints += p.sampled();
    for (const k of ['produced', 'written', 'spooled', 'replayed'] as const) totals[k] += stats[k];
  }

  return {
    name: arg === undefined ? 'influxdb' : `influxdb=${arg}`,
    settings,
    check(): void {
      if (problems.length) throw new InvalidConfigError(problems.join('; '), [], { hint: 'see docs/influxdb.md (INFLUX_URL, INFLUX_ORG, INFLUX_BUCKET, INFLUX_TOKEN)' });
    },
    async onEngineStart(file: string, ctx: InfluxOutputContext): Promise<void> {
      await finishStream(ctx);
      const { writer, phases } = openPipe(ctx);
      const tags: RunTags = { runId: ctx.runId, testId: ctx.runId, dropTags: new Set(settings.dropTags), phases };
      const rollup = settings.shape === 'rollup' ? new RollupShape(tags, deps.graceMs) : undefined;
      const raw = rollup ? undefined : new RawShape(tags);
      const abort = new AbortController();
      const done = consume(file, abort.signal, rollup ?? raw!, writer, rollup, raw);
      done.catch(() => {}); // awaited (and reported) in finishStream
      stream = { abort, done, rollup, raw };
    },
    /** The engine is done: its last samples are read; the writer stays open for the run's last events. */
    async onSamplesFile(_file: string, ctx: InfluxOutputContext): Promise<void> {
      await finishStream(ctx);
    },
    async afterRun(result: { info: Readonly<Record<string, unknown>> }, ctx: InfluxOutputContext): Promise<void> {
      if (!pipe) return;
      await finishStream(ctx);
      totals.thresholdPoints += writeThresholds(ctx, pipe.writer);
      await closePipe();
      const spool = new Spool(ctx.runDir);
      totals.pending = spool.pendingLines();
      (result.info as Record<string, unknown>).influxdb = { ...totals };
      const wait = totals.pending ? `; ${totals.pending} waiting in ${relative(ctx.cwd, spool.dir) || spool.dir}: harness push ${relative(ctx.cwd, ctx.runDir) || ctx.runDir}` : '';
      ctx.log(`influxdb: ${totals.produced} points (${settings.shape}): ${totals.written} written, ${totals.spooled} spooled, ${totals.replayed} replayed${wait}`);
      const grafana = grafanaLink(ctx.env?.GRAFANA_URL, result.info, ctx.runId);
      if (grafana) {
        (result.info as Record<string, unknown>).grafanaUrl = grafana;
        ctx.log(`grafana: ${grafana}`);
      }
    },
  };
}

/**
 * The run's dashboard (grafana/dashboards: Chaos for experiments, else Load test) with its
 * run id and time range, when `GRAFANA_URL` is set.
 */
export function grafanaLink(base: string | undefined, info: Readonly<Record<string, unknown>>, runId: string, now = Date.now()): string | undefined {
  if (!base) return undefined;
  const uid = info.kind === 'chaos' ? 'harness-chaos' : 'harness-load-test';
  const from = typeof info.startedAt === 'string' ? Date.parse(info.startedAt) - 5000 : now - 15 * 60_000;
  const q = new URLSearchParams({ 'var-run_id': runId, from: String(from), to: String(now + 5000) });
  return `${base.replace(/\/+$/, '')}/d/${uid}?${q}`;
}

/**
 * The run's thresholds (the engine's `summary.json`, k6's summary-export: `true` = failed) as
 * points at the run's end: measurement `k6_thresholds`, tags `metric` and `threshold`, field
 * `ok` (1 passed, 0 crossed). Returns how many.
 */
function writeThresholds(ctx: InfluxOutputContext, writer: PointWriter): number {
  let summary: { metrics?: Record<string, { thresholds?: Record<string, boolean> }> };
  try {
    summary = JSON.parse(readFileSync(join(ctx.runDir, 'summary.json'), 'utf8'));
  } catch {
    return 0; // no summary (the engine did not finish)
  }
  const scenario = runScenario(ctx.runDir);
  const ts = msToNs(Date.now());
  let n = 0;
  for (const [metric, m] of Object.entries(summary.metrics ?? {})) {
    for (const [threshold, failed] of Object.entries(m.thresholds ?? {})) {
      const line = encodeLine('k6_thresholds', { run_id: ctx.runId, testid: ctx.runId, ...(scenario ? { scenario } : {}), metric, threshold }, { ok: { int: failed ? 0 : 1 } }, ts);
      if (line) {
        writer.add(line);
        n++;
      }
    }
  }
  return n;
}

/** The harness scenario of the run (run.json `scenario`), for points that are not samples. */
function runScenario(runDir: string): string | undefined {
  try {
    const s = (JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { scenario?: unknown }).scenario;
    return typeof s === 'string' ? basename(s).replace(/\.[cm]?[jt]s$/, '') : undefined;
  } catch {
    return undefined;
  }
}

export type InfluxOutput = ReturnType<typeof influxdbOutput>;
