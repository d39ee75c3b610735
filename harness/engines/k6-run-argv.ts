import { durationMs, formatDuration } from '../../vocabulary';
import type { EngineRunArgs } from './types';

/** `k6 run` flags for the args (same for real k6 and `harness k6 run`), script path last. */
export function k6RunArgv(scriptPath: string, a: EngineRunArgs): string[] {
  const argv: string[] = ['run'];
  const env: Record<string, string> = { ...a.env };
  // Canonical Go text (`90` -> `90ms`, `90s` -> `1m30s`): real k6's `--duration` flag rejects a
  // bare number, and scenarios then read exactly what the harness validated.
  const duration = a.duration === undefined ? undefined : formatDuration(durationMs(a.duration));
  if ((a.overrideVia ?? 'env') === 'env') {
    if (a.vus !== undefined) env.HARNESS_VUS = String(a.vus);
    if (duration !== undefined) env.HARNESS_DURATION = duration;
  } else {
    if (a.vus !== undefined) argv.push('--vus', String(a.vus));
    if (duration !== undefined) argv.push('--duration', duration);
  }
  for (const [k, v] of Object.entries(env)) argv.push('--env', `${k}=${v}`);
  for (const [k, v] of Object.entries(a.tags ?? {})) argv.push('--tag', `${k}=${v}`);
  if (a.outJsonPath) argv.push('--out', `json=${a.outJsonPath}`);
  if (a.summaryExportPath) argv.push('--summary-export', a.summaryExportPath);
  if (a.quiet) argv.push('--quiet');
  if (a.summaryMode !== undefined) argv.push('--summary-mode', a.summaryMode);
  for (const s of a.secretSources ?? []) argv.push('--secret-source', s);
  if (a.noSummary) argv.push('--no-summary');
  argv.push(...(a.extraArgs ?? []), scriptPath);
  return argv;
}

/** `k6 inspect` flags: the same `--env` pairs (and overrides as env) as a run, script path last. */
export function k6InspectArgv(scriptPath: string, a: EngineRunArgs): string[] {
  const run = k6RunArgv(scriptPath, { env: a.env, vus: a.vus, duration: a.duration, overrideVia: 'env' });
  return ['inspect', ...run.slice(1)];
}
