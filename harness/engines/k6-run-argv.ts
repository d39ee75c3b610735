import type { EngineRunArgs } from './types';

/** `k6 run` flags for the args (same for real k6 and `harness k6 run`), script path last. */
export function k6RunArgv(scriptPath: string, a: EngineRunArgs): string[] {
  const argv: string[] = ['run'];
  const env: Record<string, string> = { ...a.env };
  if ((a.overrideVia ?? 'env') === 'env') {
    if (a.vus !== undefined) env.HARNESS_VUS = String(a.vus);
    if (a.duration !== undefined) env.HARNESS_DURATION = a.duration;
  } else {
    if (a.vus !== undefined) argv.push('--vus', String(a.vus));
    if (a.duration !== undefined) argv.push('--duration', a.duration);
  }
  for (const [k, v] of Object.entries(env)) argv.push('--env', `${k}=${v}`);
  for (const [k, v] of Object.entries(a.tags ?? {})) argv.push('--tag', `${k}=${v}`);
  if (a.outJsonPath) argv.push('--out', `json=${a.outJsonPath}`);
  if (a.summaryExportPath) argv.push('--summary-export', a.summaryExportPath);
  if (a.quiet) argv.push('--quiet');
  if (a.noSummary) argv.push('--no-summary');
  argv.push(...(a.extraArgs ?? []), scriptPath);
  return argv;
}
