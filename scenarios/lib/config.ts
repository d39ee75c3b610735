/**
 * Run configuration read from `__ENV`, once per VU in the init context.
 *
 * | variable            | meaning                                                         | default                  |
 * |---------------------|-----------------------------------------------------------------|--------------------------|
 * | BASE_URL            | gateway base URL (no trailing slash needed)                     | http://127.0.0.1:8080    |
 * | HARNESS_VUS         | `--vus`: peak VUs (VU executors) / maxVUs (arrival-rate)        | the scenario's own       |
 * | HARNESS_DURATION    | `--duration`: total duration; stages are scaled to fit           | the scenario's own       |
 * | HARNESS_RATE        | peak arrival rate (iterations/s) for arrival-rate executors      | the scenario's own       |
 * | HARNESS_SEED        | seed of the payload generator                                   | 1                        |
 * | HARNESS_THINK_TIME  | seconds a VU sleeps between iterations (VU executors only)      | the scenario's own       |
 * | HARNESS_BATCH_SIZE  | samples per POST /telemetry/batch                               | 10                       |
 * | HARNESS_API_KEY     | sent as `X-API-Key` when the gateway has auth on                | unset                    |
 *
 * k6's own `--vus`/`--duration` flags would replace a script's `scenarios` entirely, so the
 * harness passes its overrides as these env vars instead and every catalog scenario scales itself.
 */
import { positiveDurationMs } from '../../vocabulary/duration';

export interface HarnessConfig {
  baseUrl: string;
  /** Peak VUs override. */
  vus?: number;
  /** Total duration override, seconds. */
  durationS?: number;
  /** Peak arrival rate override, iterations per second. */
  rate?: number;
  seed: number;
  /** Think time override, seconds. */
  thinkTimeS?: number;
  batchSize: number;
  apiKey?: string;
}

/** Reads and validates the config; every problem is reported at once (thrown in init: k6 exits 107). */
export function loadConfig(env: Record<string, string | undefined>): HarnessConfig {
  const problems: string[] = [];
  const num = (name: string, opts: { int?: boolean; min: number }): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < opts.min || (opts.int && !Number.isInteger(n))) {
      problems.push(`${name}=${raw}: must be ${opts.int ? 'an integer' : 'a number'} >= ${opts.min}`);
      return undefined;
    }
    return n;
  };
  const dur = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    // k6's meaning, as `harness run` reads it: a bare number is milliseconds
    const ms = positiveDurationMs(raw);
    if (ms === undefined) {
      problems.push(`${name}=${raw}: must be a positive duration like 30s, 2m, 1m30s, 500ms (a bare number is milliseconds)`);
      return undefined;
    }
    return ms / 1000;
  };
  const rawBaseUrl = env.BASE_URL || 'http://127.0.0.1:8080';
  const baseUrl = rawBaseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) problems.push(`BASE_URL=${baseUrl}: must be an http(s):// URL`);
  const cfg: HarnessConfig = {
    baseUrl,
    vus: num('HARNESS_VUS', { int: true, min: 1 }),
    durationS: dur('HARNESS_DURATION'),
    rate: num('HARNESS_RATE', { min: 0.001 }),
    seed: num('HARNESS_SEED', { int: true, min: 0 }) ?? 1,
    thinkTimeS: num('HARNESS_THINK_TIME', { min: 0 }),
    batchSize: num('HARNESS_BATCH_SIZE', { int: true, min: 1 }) ?? 10,
    apiKey: env.HARNESS_API_KEY || undefined,
  };
  if (problems.length) throw new Error(`invalid scenario configuration:\n  - ${problems.join('\n  - ')}`);
  return cfg;
}

export const config: HarnessConfig = loadConfig(__ENV);
