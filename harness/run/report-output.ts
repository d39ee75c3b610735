import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_PORT, DashboardServer, LiveReport, REPORT_FILES, RUN_FILES, samplesFileOf, writeReports } from '../report';
import { targetRecordOf } from '../../vocabulary';
import type { RunOutput, RunOutputContext } from './outputs';

/** `HARNESS_DASHBOARD=true` (or `--dashboard`): the live dashboard; `HARNESS_DASHBOARD_PORT` moves it (0: any free port). */
export function dashboardWanted(env: Record<string, string | undefined>): boolean {
  return /^(1|true|yes)$/i.test(env.HARNESS_DASHBOARD ?? '');
}

/**
 * Not an `--out` choice: the run session adds it to every run, so every run directory gets
 * report.html, junit.xml and summary.md (harness/report) once the run is torn down. A run that
 * produced neither samples nor a summary (`harness up`) gets none. A report that cannot be
 * written is printed and never changes the run's verdict.
 *
 * With the dashboard wanted, the same page is served live from the engine's start
 * (http://127.0.0.1:5665) until the report is written; the run never waits for a browser.
 */
export function reportOutput(): RunOutput {
  let live: { report: LiveReport; server: DashboardServer; unsubscribe?: () => void } | undefined;
  return {
    name: 'report',
    check() {},
    async onEngineStart(file, ctx) {
      if (live || !dashboardWanted(ctx.env)) return;
      live = await startDashboard(file, ctx);
      const report = live?.report;
      // the target charts live: the run's one sampler (the same scrapes target.ndjson gets)
      if (live && report) live.unsubscribe = ctx.target?.feed?.subscribe((s) => {
        const r = targetRecordOf(s);
        if (r) report.addTarget(r);
      });
    },
    async onSamplesFile() {
      await live?.report.stop();
    },
    async afterRun({ code, info }, ctx) {
      try {
        if (!samplesFileOf(ctx.runDir) && !existsSync(join(ctx.runDir, RUN_FILES.summary))) return;
        try {
          const { data } = await writeReports(ctx.runDir, { info: { ...info, exitCode: code, finishedAt: new Date().toISOString() } });
          ctx.log(`  report: ${join(ctx.runDir, REPORT_FILES.html)}`);
          await live?.server.stop(data);
        } catch (e) {
          ctx.log(`  report not written: ${(e as Error).message} (regenerate it with: harness report ${ctx.runDir})`);
        }
      } finally {
        live?.unsubscribe?.();
        await live?.report.stop();
        await live?.server.stop();
      }
    },
  };
}

async function startDashboard(file: string, ctx: RunOutputContext): Promise<{ report: LiveReport; server: DashboardServer } | undefined> {
  const port = ctx.env.HARNESS_DASHBOARD_PORT === undefined || ctx.env.HARNESS_DASHBOARD_PORT === '' ? DASHBOARD_PORT : Number(ctx.env.HARNESS_DASHBOARD_PORT);
  const report = await new LiveReport({ runDir: ctx.runDir, samplesFile: file }).start();
  try {
    const server = await DashboardServer.start({ port, snapshot: () => report.snapshot() });
    ctx.log(`  dashboard: ${server.url}`);
    return { report, server };
  } catch (e) {
    // a dashboard is a view: a taken port must not fail the run it would show
    await report.stop();
    ctx.log(`  dashboard not started: ${(e as Error).message} (set HARNESS_DASHBOARD_PORT to another port)`);
    return undefined;
  }
}
