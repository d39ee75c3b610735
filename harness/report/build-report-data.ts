import { readSamples } from '../../vocabulary';
import { ReportBuilder } from './report-builder';
import type { ReportData } from './report-data';
import { readChaosThresholds, readChaosWindows, readRunDirFacts, reportMeta, samplesFileOf, summaryDurationMs, summaryThresholds } from './read-run-dir';

/**
 * A finished run's report data, from its directory alone (so `harness report` works on any old
 * run directory): run.json and config.json for metadata, summary.json for submetric thresholds
 * and k6's test duration, the sample stream read once, streaming, and the chaos journal.
 * `info` overrides run.json fields (the run session passes its final exit code before writing it).
 */
export async function buildReportData(runDir: string, o: { info?: Record<string, unknown> } = {}): Promise<ReportData> {
  const facts = await readRunDirFacts(runDir, o.info);
  const duration = summaryDurationMs(facts.summary);
  const builder = new ReportBuilder({ thresholds: summaryThresholds(facts.summary), elapsedMs: () => duration });
  const file = samplesFileOf(runDir);
  if (file) for await (const r of readSamples(file, { bufferBytes: 1 << 20 })) builder.add(r);
  builder.end();
  const data = builder.snapshot(reportMeta(facts), await readChaosWindows(runDir));
  data.thresholds.push(...(await readChaosThresholds(runDir)));
  return data;
}
