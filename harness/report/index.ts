export type { ReportData, ReportMeta, ReportSeries, ThresholdRow, CheckRow, EndpointRow, TimeWindow, ReportTotals } from './report-data';
export { ReportBuilder, type ReportBuilderOptions, type KnownThresholds } from './report-builder';
export { SeriesTable, MAX_POINTS } from './series-table';
export { buildReportData } from './build-report-data';
export { readRunDirFacts, reportMeta, readChaosWindows, summaryThresholds, summaryDurationMs, samplesFileOf, RUN_FILES } from './read-run-dir';
export { renderReportHtml, jsonForScript } from './render-html';
export { renderJunit } from './render-junit';
export { renderMarkdown } from './render-markdown';
export { writeReports, REPORT_FILES } from './write-reports';
