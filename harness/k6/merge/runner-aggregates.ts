import { closeSync, openSync, writeSync } from 'node:fs';
import { newSinkCursor, takeSinkDelta, type SinkCursor } from '../../../vocabulary';
import type { MetricsEngine } from '../metrics/metrics-engine';
import type { AggregatesRecord } from './runners-protocol';

/**
 * A runner's side of the aggregate merge (`harness k6 run --aggregates-out FILE`): every
 * `write()` appends one `AggregatesRecord` line with what the runner's own metrics engine
 * aggregated since the last one (its sinks already hold every sample, so this costs a walk over
 * the metrics, not a pass over the samples). Trend values are shipped themselves, so the merged
 * percentiles are exact. Submetrics the thresholds name must exist in the engine before the
 * first sample (`bindSubmetrics`): a runner judges no thresholds, but the harness does.
 */
export class RunnerAggregates {
  private readonly fd: number;
  private readonly cursors = new Map<string, SinkCursor>();
  private readonly checkCursors = new Map<string, { passes: number; fails: number }>();
  private groupsSent = 0;
  private pointsSent = 0;

  constructor(private readonly engine: MetricsEngine, file: string) {
    this.fd = openSync(file, 'w');
  }

  /** Creates the submetrics of these threshold keys (`metric{tag:value}`); unknown metrics are left to the harness to report. */
  bindSubmetrics(keys: readonly string[]): void {
    for (const k of keys) {
      if (!k.includes('{')) continue;
      try {
        this.engine.ensureSubmetric(k);
      } catch {
        // an unknown metric or bad selector: the harness's own binding reports it
      }
    }
  }

  take(): AggregatesRecord | undefined {
    const e = this.engine;
    const rec: AggregatesRecord = { points: e.pushed - this.pointsSent, metrics: [], groups: [], checks: [] };
    if (e.pushed > 0) {
      rec.first = e.firstTime;
      rec.last = e.lastTime;
    }
    this.pointsSent = e.pushed;
    const states = e.observedMetrics();
    // metrics before submetrics: the harness registers a parent before its submetrics
    for (const pass of [false, true]) {
      for (const s of states) {
        if ((s.parent !== undefined) !== pass) continue;
        let c = this.cursors.get(s.name);
        if (!c) this.cursors.set(s.name, (c = newSinkCursor()));
        const delta = takeSinkDelta(s.sink, c);
        if (delta) rec.metrics.push(pass ? { name: s.name, type: s.type, delta } : { name: s.name, type: s.type, contains: s.contains, delta });
      }
    }
    const paths = e.groups.paths();
    rec.groups = paths.slice(this.groupsSent);
    this.groupsSent = paths.length;
    for (const ch of e.groups.checksInOrder()) {
      let c = this.checkCursors.get(ch.path);
      if (!c) this.checkCursors.set(ch.path, (c = { passes: 0, fails: 0 }));
      if (ch.passes === c.passes && ch.fails === c.fails) continue;
      rec.checks.push({ group: ch.path.slice(0, ch.path.length - ch.name.length - 2), name: ch.name, passes: ch.passes - c.passes, fails: ch.fails - c.fails });
      c.passes = ch.passes;
      c.fails = ch.fails;
    }
    if (!rec.points && !rec.metrics.length && !rec.groups.length && !rec.checks.length) return undefined;
    return rec;
  }

  /** Appends what changed since the last write (nothing when nothing did). */
  write(): void {
    const rec = this.take();
    if (rec) writeSync(this.fd, `${JSON.stringify(rec)}\n`);
  }

  close(): void {
    this.write();
    closeSync(this.fd);
  }
}
