import { readSamples, readTargetRecords } from '../../vocabulary';
import { ReportBuilder } from './report-builder';
import type { ReportData } from './report-data';
import { knownThresholds, readChaosThresholds, readChaosWindows, readRunDirFacts, reportMeta, samplesFileOf, summaryDurationMs, targetFileOf } from './read-run-dir';
import { TargetTable } from './target-table';

/**
 * A finished run's report data, from its directory alone (so `harness report` works on any old
 * run directory): run.json and config.json for metadata, summary.json and thresholds.json for submetric thresholds
 * and k6's test duration, the sample stream read once, streaming, the chaos journal, and the
 * target's side (`target.ndjson`) when it was sampled.
 * `info` overrides run.json fields (the run session passes its final exit code before writing it).
 */
export async function buildReportData(runDir: string, o: { info?: Record<string, unknown> } = {}): Promise<ReportData> {
  const facts = await readRunDirFacts(runDir, o.info);
  const duration = summaryDurationMs(facts.summary);
  const builder = new ReportBuilder({ thresholds: knownThresholds(facts), elapsedMs: () => duration });
  const file = samplesFileOf(runDir);
  if (file) for await (const r of readSamples(file, { bufferBytes: 1 << 20 })) builder.add(r);
  builder.end();
  const data = builder.snapshot(reportMeta(facts), await readChaosWindows(runDir));
  data.thresholds.push(...(await readChaosThresholds(runDir)));
  const target = await readTargetSeries(runDir);
  if (target) data.target = target;
  return data;
}

/** The target charts from the run's `target.ndjson(.gz)`; undefined when the target was not sampled. */
export async function readTargetSeries(runDir: string): Promise<ReportData['target']> {
  const file = targetFileOf(runDir);
  if (!file) return undefined;
  const table = new TargetTable();
  for await (const r of readTargetRecords(file)) table.add(r);
  return table.series();
}
