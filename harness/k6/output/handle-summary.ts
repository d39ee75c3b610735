import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { gojaStringify } from './goja-json';
import type { SummaryData } from './summary-data';
import { defaultSummaryStdout } from './summary-text';
import { summaryStdoutV2, type SummaryTextMode } from './summary-text-v2';
import { summaryExportJson } from './summary-export';

/**
 * What k6 does after the test (`summary-wrapper.js` + `handleSummaryResult`):
 * 1. result = handleSummary(data) if exported (on a throw: log it and fall back), else
 *    `{ stdout: defaultSummaryStdout(data) }`;
 * 2. with `--summary-export PATH`, result[PATH] = summaryExportJson(data) (even with handleSummary);
 * 3. every entry is written: `stdout` / `stderr` to the streams, any other key to that file path
 *    (relative to cwd, created or truncated).
 */
export function summaryResult(opts: {
  data: SummaryData;
  /** handleSummary's return value; undefined when the script exports none (or it threw). */
  handleSummaryResult?: Record<string, string | Uint8Array> | undefined;
  summaryExportPath?: string;
  enableColors?: boolean;
  /** The default text: k6 v0.48's (`legacy`, the default) or k6 v1/v2's `compact` / `full` layout. */
  mode?: 'legacy' | SummaryTextMode;
}): Record<string, string | Uint8Array> {
  const mode = opts.mode ?? 'legacy';
  const result: Record<string, string | Uint8Array> = opts.handleSummaryResult
    ? { ...opts.handleSummaryResult }
    : { stdout: mode === 'legacy' ? defaultSummaryStdout(opts.data, opts.enableColors) : summaryStdoutV2(opts.data, mode, opts.enableColors ?? false) };
  if (opts.summaryExportPath) result[opts.summaryExportPath] = summaryExportJson(opts.data);
  return result;
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
