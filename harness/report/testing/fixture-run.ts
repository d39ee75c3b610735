import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeTargetRecord, SampleFileWriter, targetRecordOf, type MetricInfo, type Sample, type TargetScrape } from '../../../vocabulary';

export const FIXTURE_T0 = Date.UTC(2026, 10, 30, 6, 0, 0);

/** What the fixture run holds, counted while it is written (the tests' expected values). */
export interface FixtureTruth {
  requests: number;
  failed: number;
  durations: number[];
  healthDurations: number[];
  checks: Record<string, { passes: number; fails: number }>;
  seconds: number;
  /** With `target`: per second, what the target's counters grew by (null: no gateway scrape that second or the one before). */
  target?: { accepted: Array<number | null>; processed: Array<number | null>; rejected: Array<number | null>; queued: number[]; breaker: Array<number | null> };
}

/**
 * A run directory as `harness run` + chaos leave it, written through the vocabulary's encoder:
 * `seconds` seconds of two endpoints (POST /telemetry: 202, every 20th a 503; GET /health: 200),
 * VUs, iterations, checks in the root group and in group `::ingest`, thresholds on Metric lines
 * (one with abortOnFail) and a submetric threshold only summary.json names, and a chaos journal
 * with one fault window in the middle.
 */
export function writeFixtureRun(dir: string, o: { seconds?: number; perSecond?: number; target?: boolean } = {}): FixtureTruth {
  const seconds = o.seconds ?? 12;
  const perSecond = o.perSecond ?? 40;
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const truth: FixtureTruth = { requests: 0, failed: 0, durations: [], healthDurations: [], checks: {}, seconds };
  const metric = (name: string, type: MetricInfo['type'], thresholds: MetricInfo['thresholds'] = [], contains: MetricInfo['contains'] = 'default'): MetricInfo => ({ name, type, contains, thresholds, submetrics: null });
  using w = new SampleFileWriter(join(dir, 'samples.ndjson'));
  w.metric(metric('vus', 'gauge'));
  w.metric(metric('http_reqs', 'counter'));
  w.metric(metric('http_req_duration', 'trend', ['p(95)<500', { threshold: 'p(99)<1000', abortOnFail: true, delayAbortEval: null }], 'time'));
  w.metric(metric('http_req_failed', 'rate', ['rate<0.01']));
  w.metric(metric('checks', 'rate', ['rate>0.9']));
  w.metric(metric('iterations', 'counter'));
  let n = 0;
  for (let sec = 0; sec < seconds; sec++) {
    const vus = sec < seconds / 2 ? 5 + sec : 5 + seconds - sec;
    w.point({ metric: 'vus', time: FIXTURE_T0 + sec * 1000, value: vus, tags: {} });
    for (let i = 0; i < perSecond; i++) {
      n++;
      const time = FIXTURE_T0 + sec * 1000 + Math.floor((i * 1000) / perSecond);
      const health = i % 10 === 0;
      const failed = !health && n % 20 === 0;
      const status = health ? '200' : failed ? '503' : '202';
      const name = health ? 'GET /health' : 'POST /telemetry';
      const inFault = sec >= 4 && sec < 7;
      const duration = (inFault ? 200 : 10) + (n % 50);
      const tags = { name, status, method: health ? 'GET' : 'POST', url: name, scenario: 'default', group: '', expected_response: String(!failed) };
      const s = (metric: string, value: number, t: Record<string, string> = tags): Sample => ({ metric, time, value, tags: t });
      w.point(s('http_reqs', 1)).point(s('http_req_duration', duration)).point(s('http_req_failed', failed ? 1 : 0));
      truth.requests++;
      if (failed) truth.failed++;
      truth.durations.push(duration);
      if (health) truth.healthDurations.push(duration);
      const check = health ? { check: 'health 200', group: '' } : { check: 'accepted 202', group: '::ingest' };
      w.point(s('checks', failed ? 0 : 1, { ...check, scenario: 'default' }));
      const c = (truth.checks[`${check.group}|${check.check}`] ??= { passes: 0, fails: 0 });
      if (failed) c.fails++;
      else c.passes++;
      w.point(s('iterations', 1, { scenario: 'default', group: '' }));
    }
  }
  const iso = (ms: number) => new Date(FIXTURE_T0 + ms).toISOString();
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ runId: '20261130T060000-fixture-abcd', kind: 'run', scenario: 'fixture', seed: 42, engine: 'builtin', engineVersion: 'harness 0.1.0', runtime: 'local', startedAt: iso(-1000), finishedAt: iso(seconds * 1000 + 500), exitCode: 99, gitCommit: '0123456789abcdef0123456789abcdef01234567', machine: '2 × test cpu' }),
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ run: { duration: `${seconds}s`, env: { FOO: 'a b' }, tags: {} } }));
  // k6's --summary-export: `thresholds: { source: failed }`, submetrics included
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify({
      state: { testRunDurationMs: seconds * 1000 },
      metrics: {
        http_req_failed: { thresholds: { 'rate<0.01': true } },
        http_req_duration: { thresholds: { 'p(95)<500': false, 'p(99)<1000': false } },
        'http_req_duration{name:GET /health}': { thresholds: { 'max<0.001': true } },
        checks: { thresholds: { 'rate>0.9': false } },
      },
    }),
  );
  const journal = [
    { t: 0, at: iso(0), event: 'load-started' },
    { t: 4000, at: iso(4000), event: 'inject', fault: 'redis-latency' },
    { t: 7000, at: iso(7000), event: 'restored', fault: 'redis-latency' },
    { t: seconds * 1000, at: iso(seconds * 1000), event: 'load-stopped' },
  ];
  writeFileSync(join(dir, 'chaos-journal.jsonl'), journal.map((j) => JSON.stringify(j)).join('\n') + '\n');
  if (o.target) truth.target = writeTargetFile(dir, seconds);
  return truth;
}

/**
 * `target.ndjson.gz` as a finished run leaves it (through the vocabulary's record): one scrape a
 * second, half a second into it. 40 samples/s received; during the fault (seconds 4-6) the
 * breaker is open, half are rejected (`redis_unavailable`) and workers fall behind (the queue
 * grows); second 5's gateway scrape failed (Redis side only).
 */
function writeTargetFile(dir: string, seconds: number): NonNullable<FixtureTruth['target']> {
  const truth: NonNullable<FixtureTruth['target']> = { accepted: [], processed: [], rejected: [], queued: [], breaker: [] };
  let received = 0;
  let accepted = 0;
  let processed = 0;
  let rejected = 0;
  let lastGateway = -1;
  const prev = { accepted: 0, processed: 0, rejected: 0 };
  const lines: string[] = [];
  for (let sec = 0; sec < seconds; sec++) {
    const fault = sec >= 4 && sec < 7;
    received += 40;
    accepted += fault ? 20 : 40;
    rejected += fault ? 20 : 0;
    processed += fault ? 5 : sec >= 7 && accepted - processed > 40 ? 60 : 40;
    processed = Math.min(processed, accepted);
    const queued = accepted - processed;
    const gatewayAnswered = sec !== 5;
    const scrape: TargetScrape = {
      at: FIXTURE_T0 + sec * 1000 + 500,
      redis: { used_memory: 2 ** 20 * (1 + queued / 100), instantaneous_ops_per_sec: 100 + sec, queue_length: queued },
      gateway: gatewayAnswered
        ? [
            { name: 'telemetryhub_samples_received_total', labels: {}, fields: { value: received } },
            { name: 'telemetryhub_samples_accepted_total', labels: {}, fields: { value: accepted } },
            { name: 'telemetryhub_samples_processed_total', labels: {}, fields: { value: processed } },
            // prom-client shows a labelled counter only once it moved
            ...(rejected ? [{ name: 'telemetryhub_samples_rejected_total', labels: { reason: 'redis_unavailable' }, fields: { value: rejected } }] : []),
            { name: 'telemetryhub_queue_size', labels: {}, fields: { value: queued } },
            { name: 'telemetryhub_queue_processing', labels: {}, fields: { value: 1 } },
            { name: 'telemetryhub_circuit_breaker_state', labels: {}, fields: { value: fault ? 2 : 0 } },
            { name: 'telemetryhub_redis_up', labels: {}, fields: { value: 1 } },
            { name: 'telemetryhub_gateway_process_cpu_seconds_total', labels: {}, fields: { value: sec } },
          ]
        : undefined,
    };
    lines.push(encodeTargetRecord(targetRecordOf(scrape)!));
    const span = sec - lastGateway;
    const rate = (now: number, was: number) => (gatewayAnswered && lastGateway >= 0 ? (now - was) / span : null);
    truth.accepted.push(rate(accepted, prev.accepted));
    truth.processed.push(rate(processed, prev.processed));
    truth.rejected.push(rate(rejected, prev.rejected));
    truth.queued.push(queued);
    truth.breaker.push(gatewayAnswered ? (fault ? 2 : 0) : null);
    if (gatewayAnswered) {
      lastGateway = sec;
      Object.assign(prev, { accepted, processed, rejected });
    }
  }
  writeFileSync(join(dir, 'target.ndjson.gz'), gzipSync(lines.join('')));
  return truth;
}

/** k6's percentile (linear interpolation between closest ranks), for expected values. */
export function k6Percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = (p / 100) * (s.length - 1);
  const lo = Math.floor(i);
  return lo + 1 < s.length ? s[lo] + (i - lo) * (s[lo + 1] - s[lo]) : s[lo];
}
