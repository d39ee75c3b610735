import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_FILES, RUN_FILES, writeReports } from '../report';
import type { RunOutput } from './outputs';

/**
 * Not an `--out` choice: the run session adds it to every run, so every run directory gets
 * report.html, junit.xml and summary.md (harness/report) once the run is torn down. A run that
 * produced neither samples nor a summary (`harness up`) gets none. A report that cannot be
 * written is printed and never changes the run's verdict.
 */
export function reportOutput(): RunOutput {
  return {
    name: 'report',
    check() {},
    async afterRun({ code, info }, ctx) {
      if (!existsSync(join(ctx.runDir, RUN_FILES.samples)) && !existsSync(join(ctx.runDir, RUN_FILES.summary))) return;
      try {
        await writeReports(ctx.runDir, { info: { ...info, exitCode: code, finishedAt: new Date().toISOString() } });
        ctx.log(`  report: ${join(ctx.runDir, REPORT_FILES.html)}`);
      } catch (e) {
        ctx.log(`  report not written: ${(e as Error).message} (regenerate it with: harness report ${ctx.runDir})`);
      }
    },
  };
}
