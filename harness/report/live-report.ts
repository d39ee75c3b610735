import { readSamples, type TargetRecord } from '../../vocabulary';
import { ReportBuilder } from './report-builder';
import type { ReportData } from './report-data';
import { knownThresholds, readChaosWindows, readRunDirFacts, reportMeta } from './read-run-dir';
import type { ReportMeta, TimeWindow } from './report-data';
import { TargetTable } from './target-table';

/**
 * A report growing while its run goes on: follows the sample stream (the one vocabulary reader,
 * `follow`) into a `ReportBuilder`, and rereads the chaos journal's windows once a second.
 * Charts lag the stream by about a second (a second is charted once the next has begun). The
 * target's scrapes are handed in (`addTarget`) by whoever holds the run's sampler.
 */
export class LiveReport {
  #builder = new ReportBuilder({ graceMs: 1000 });
  readonly #target = new TargetTable();
  readonly #abort = new AbortController();
  #meta: ReportMeta = reportMeta({ info: {} });
  #windows: TimeWindow[] = [];
  #following: Promise<void> | undefined;
  #windowsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: { runDir: string; samplesFile: string }) {}

  async start(): Promise<this> {
    const facts = await readRunDirFacts(this.o.runDir);
    this.#meta = reportMeta(facts);
    // live thresholds: the stream's Metric lines and thresholds.json (summary.json is written at the end)
    this.#builder = new ReportBuilder({ graceMs: 1000, thresholds: knownThresholds(facts) });
    this.#following = (async () => {
      for await (const r of readSamples(this.o.samplesFile, { follow: true, signal: this.#abort.signal, pollMs: 200 })) this.#builder.add(r);
    })();
    this.#following.catch(() => {});
    const reload = async () => {
      this.#windows = await readChaosWindows(this.o.runDir);
    };
    await reload();
    this.#windowsTimer = setInterval(() => void reload(), 1000);
    this.#windowsTimer.unref();
    return this;
  }

  /** A scrape of the run's target sampler (the run session hands them in as they come). */
  addTarget(r: TargetRecord): void {
    this.#target.add(r);
  }

  snapshot(): ReportData {
    const data = this.#builder.snapshot(this.#meta, this.#windows, { live: true });
    const target = this.#target.series();
    if (target) data.target = target;
    return data;
  }

  /** Stops following (after a last read of what the engine wrote). */
  async stop(): Promise<void> {
    clearInterval(this.#windowsTimer);
    this.#abort.abort();
    await this.#following?.catch(() => {});
  }
}
