import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { streamSummary, summaryExportJson } from '../k6';

export interface SummaryWithoutExportFiles {
  /** The run's k6 JSON stream (`samples.ndjson`), if the run kept one. */
  samples: string;
  /** Where the engine's `--summary-export` would have gone (`summary.json`). */
  summary: string;
  /** The script's literal thresholds as compiled (`thresholds.json`, k6's object form), if any. */
  thresholds: string;
}

/**
 * A run whose engine summary was disabled (`harness run --summary-mode disabled`): the engine then
 * writes no `--summary-export`, as k6 does, but the run's report, threshold coverage (no silent
 * passes) and InfluxDB threshold points read summary.json. So the harness writes it itself from
 * the run's sample stream (thresholds: the script's literal ones, else `k6 inspect`'s, else the
 * stream's Metric lines; durations from the samples' span), and says so. Returns that note for run.json and the report;
 * undefined when the engine wrote one after all.
 */
export async function summaryWithoutExport(f: SummaryWithoutExportFiles, o: { inspectThresholds?: () => Promise<unknown>; signal?: AbortSignal } = {}): Promise<string | undefined> {
  if (existsSync(f.summary)) return undefined;
  const none = 'the engine exported no summary (its end-of-test summary was disabled)';
  if (!existsSync(f.samples)) return `${none}, and the run kept no sample stream to compute one from: no summary.json, so no threshold verdicts beyond the stream's`;
  let thresholds: unknown;
  try {
    thresholds = JSON.parse(await readFile(f.thresholds, 'utf8'));
  } catch {
    // none declared as literals: as the engine consolidated them (submetrics too), else the
    // stream's Metric lines (each metric's own; none when the engine ran with --no-thresholds)
    thresholds = (await o.inspectThresholds?.().catch(() => undefined)) ?? undefined;
  }
  const s = await streamSummary(f.samples, { thresholds, signal: o.signal });
  if (s.points === 0) return `${none}, and the sample stream holds no sample: no summary.json`;
  await writeFile(f.summary, summaryExportJson(s.summary));
  return `${none}; ${basename(f.summary)} computed by the harness from ${basename(f.samples)} (thresholds judged over the stream, duration = the samples' span)`;
}
