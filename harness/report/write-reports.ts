import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildReportData } from './build-report-data';
import { renderReportHtml } from './render-html';
import { renderJunit } from './render-junit';
import { renderMarkdown } from './render-markdown';
import type { ReportData } from './report-data';

/** The files a report writes into the run directory. */
export const REPORT_FILES = { html: 'report.html', junit: 'junit.xml', markdown: 'summary.md' } as const;

/**
 * Builds a run's report data from its directory and writes report.html, junit.xml and
 * summary.md beside summary.json. `info` overrides run.json fields (the run session's final
 * exit code, not yet written).
 */
export async function writeReports(runDir: string, o: { info?: Record<string, unknown> } = {}): Promise<{ data: ReportData; files: string[] }> {
  const data = await buildReportData(runDir, o);
  const files = [join(runDir, REPORT_FILES.html), join(runDir, REPORT_FILES.junit), join(runDir, REPORT_FILES.markdown)];
  await writeFile(files[0], await renderReportHtml(data));
  await writeFile(files[1], renderJunit(data));
  await writeFile(files[2], renderMarkdown(data, { reportLink: REPORT_FILES.html }));
  return { data, files };
}
