/**
 * Shared checks and the custom metrics of an ingest response. Back-pressure is a designed
 * outcome of the gateway (429 queue full, 503 Redis down / breaker open, both with Retry-After),
 * so it is counted on its own instead of hiding inside `http_req_failed`:
 *
 *   ingest_accepted     Counter  202s
 *   ingest_throttled    Counter  429s
 *   ingest_unavailable  Counter  503s
 *   ingest_backpressure Rate     share of responses that were 429/503
 *   ingest_errors       Rate     share of responses that were neither 202 nor back-pressure
 *                                (4xx other than 429, 5xx other than 503, timeouts, resets)
 */
import { check } from 'k6';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { Counter, Rate } from 'k6/metrics';

export const ingestAccepted = new Counter('ingest_accepted');
export const ingestThrottled = new Counter('ingest_throttled');
export const ingestUnavailable = new Counter('ingest_unavailable');
export const ingestBackpressure = new Rate('ingest_backpressure');
export const ingestErrors = new Rate('ingest_errors');

export type BackpressurePolicy =
  /** 429/503 fail the `accepted 202` check (smoke, baseline: no shedding expected). */
  | 'fail'
  /** 429/503 pass if they carry Retry-After (spike, stress, steady under chaos). */
  | 'tolerate';

type Res = RefinedResponse<ResponseType | undefined>;

export function isBackpressure(status: number): boolean {
  return status === 429 || status === 503;
}

/** Records the ingest metrics for a response and runs the checks. Returns whether all passed. */
export function checkIngest(res: Res, policy: BackpressurePolicy = 'fail', tags?: Record<string, string>): boolean {
  const s = res.status;
  const bp = isBackpressure(s);
  if (s === 202) ingestAccepted.add(1, tags);
  if (s === 429) ingestThrottled.add(1, tags);
  if (s === 503) ingestUnavailable.add(1, tags);
  ingestBackpressure.add(bp, tags);
  ingestErrors.add(s !== 202 && !bp, tags);

  if (policy === 'fail' || !bp) {
    return check(res, { 'accepted 202': (r) => r.status === 202 }, tags);
  }
  return check(
    res,
    {
      'accepted 202 or back-pressure': (r) => r.status === 202 || isBackpressure(r.status),
      'back-pressure has Retry-After': (r) => headerOf(r, 'Retry-After') !== undefined,
    },
    tags,
  );
}

/** Health endpoint answered 200. */
export function checkHealthy(res: Res, tags?: Record<string, string>): boolean {
  return check(res, { 'health 200': (r) => r.status === 200 }, tags);
}

/** k6 canonicalises header names, but be lenient about case anyway. */
export function headerOf(res: Res, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const k of Object.keys(res.headers)) {
    if (k.toLowerCase() === want) return res.headers[k];
  }
  return undefined;
}
