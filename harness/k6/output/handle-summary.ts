import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { gojaStringify } from './goja-json';
import type { SummaryData } from './summary-data';
import { defaultSummaryStdout } from './summary-text';
import { summaryStdoutV2 } from './summary-text-v2';
import { buildSummaryReport, type SummaryReport, type SummaryReportMode } from './summary-report';
import { machineReadableJson, type MachineReadableSummary } from './summary-machine-readable';
import { summaryExportJson } from './summary-export';

/** The default end-of-test text: k6 v1/v2's layouts (`compact`, the default, and `full`) or k6 v0.48's (`legacy`). */
export type SummaryTextMode = 'legacy' | SummaryReportMode;

/**
 * What k6 does after the test (`summary-wrapper.js` + `handleSummaryResult`):
 * 1. result = handleSummary(data) if exported (on a throw: log it and fall back), else
 *    `{ stdout: <the default summary text of the mode> }`;
 * 2. with `--summary-export PATH`, result[PATH] = the export (even with handleSummary): k6
 *    v0.48's JSON, or the machine-readable summary when it was asked for (k6 v1.4.2+);
 * 3. every entry is written: `stdout` / `stderr` to the streams, any other key to that file path
 *    (relative to cwd, created or truncated).
 */
export function summaryResult(opts: {
  data: SummaryData;
  /** handleSummary's return value; undefined when the script exports none (or it threw). */
  handleSummaryResult?: Record<string, string | Uint8Array> | undefined;
  summaryExportPath?: string;
  enableColors?: boolean;
  /** Default `compact` (k6 v1/v2). */
  mode?: SummaryTextMode;
  /** The v1/v2 summary model (with per-group/scenario data in full mode); built from `data` alone when absent. */
  report?: SummaryReport;
  /** Set: `--summary-export` writes it instead of k6 v0.48's JSON. */
  machineReadable?: MachineReadableSummary;
}): Record<string, string | Uint8Array> {
  const result: Record<string, string | Uint8Array> = opts.handleSummaryResult
    ? { ...opts.handleSummaryResult }
    : { stdout: defaultSummaryText(opts.data, opts.mode ?? 'compact', opts.enableColors ?? false, opts.report) };
  if (opts.summaryExportPath) result[opts.summaryExportPath] = opts.machineReadable ? machineReadableJson(opts.machineReadable) : summaryExportJson(opts.data);
  return result;
}

/** The default summary as written to stdout, for a mode (one home for the choice of layout). */
export function defaultSummaryText(data: SummaryData, mode: SummaryTextMode, enableColors: boolean, report?: SummaryReport): string {
  if (mode === 'legacy') return defaultSummaryStdout(data, enableColors);
  return summaryStdoutV2(report ?? buildSummaryReport({ data, mode }), {
    enableColors,
    summaryTrendStats: data.options.summaryTrendStats,
    summaryTimeUnit: data.options.summaryTimeUnit,
  });
}

/** Writes every entry; collects failures into one error (k6: "Could not save some summary information:"). */
export async function writeSummaryResult(
  result: Record<string, string | Uint8Array>,
  io: { stdout: Writable; stderr: Writable; cwd: string },
): Promise<void> {
  const errors: string[] = [];
  for (const [path, content] of Object.entries(result)) {
    try {
      if (path === 'stdout' || path === 'stderr') await writeStream(path === 'stdout' ? io.stdout : io.stderr, content);
      else {
        await writeFile(resolve(io.cwd, path), content); // as k6: no directories are created
      }
    } catch (e) {
      errors.push(`could not write '${path}': ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new Error(['Could not save some summary information:', ...errors.map((e) => `\t- ${e}`)].join('\n'));
}

function writeStream(s: Writable, content: string | Uint8Array): Promise<void> {
  return new Promise((res, rej) => s.write(content, (err) => (err ? rej(err) : res())));
}

/** `JSON.stringify(data, null, 2)` exactly as a script running in k6 (goja) produces it. */
export function summaryDataJson(data: SummaryData, indent: number | string = 2): string {
  return gojaStringify(data, indent);
}
