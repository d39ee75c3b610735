import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SampleFileWriter, type MetricInfo } from '../../../vocabulary';

/**
 * A run directory (`<cwd>/reports/runs/<runId>/`) written through the vocabulary's encoder, for
 * gate tests: `seconds` s of POST /telemetry at 20 req/s whose durations are `latencyMs` plus a
 * deterministic spread (0..40% of it), one check, 5 VUs and one iteration per request.
 */
export function writeGateRun(cwd: string, runId: string, o: { latencyMs: number; seconds?: number; failEvery?: number; seed?: number }): string {
  const dir = join(cwd, 'reports/runs', runId);
  mkdirSync(dir, { recursive: true });
  const t0 = Date.UTC(2026, 10, 30, 6, 0, 0);
  const metric = (name: string, type: MetricInfo['type']): MetricInfo => ({ name, type, contains: type === 'trend' ? 'time' : 'default', thresholds: [], submetrics: null });
  let s = (o.seed ?? 1) >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  {
    using w = new SampleFileWriter(join(dir, 'samples.ndjson'));
    for (const [n, t] of [['vus', 'gauge'], ['http_reqs', 'counter'], ['http_req_duration', 'trend'], ['http_req_failed', 'rate'], ['checks', 'rate'], ['iterations', 'counter']] as const) w.metric(metric(n, t));
    let n = 0;
    for (let sec = 0; sec < (o.seconds ?? 20); sec++) {
      w.point({ metric: 'vus', time: t0 + sec * 1000, value: 5, tags: {} });
      for (let i = 0; i < 20; i++) {
        n++;
        const time = t0 + sec * 1000 + i * 50;
        const failed = o.failEvery !== undefined && n % o.failEvery === 0;
        const tags = { name: 'POST /telemetry', method: 'POST', status: failed ? '503' : '202', url: 'http://127.0.0.1/telemetry' };
        w.point({ metric: 'http_reqs', time, value: 1, tags });
        w.point({ metric: 'http_req_duration', time, value: o.latencyMs * (1 + 0.4 * rnd()), tags });
        w.point({ metric: 'http_req_failed', time, value: failed ? 1 : 0, tags });
        w.point({ metric: 'checks', time, value: failed ? 0 : 1, tags: { check: 'accepted 202' } });
        w.point({ metric: 'iterations', time, value: 1, tags: {} });
      }
    }
  }
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ runId, kind: 'run', scenario: 'fixture', engine: 'builtin', runtime: 'local', exitCode: 0 }));
  return dir;
}
