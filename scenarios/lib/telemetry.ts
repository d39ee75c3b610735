/**
 * Requests against the gateway. Every request carries a `name` tag (the route, not the URL) so
 * metrics group by endpoint, and an `endpoint` tag thresholds can filter on
 * (`http_req_duration{endpoint:ingest}`).
 */
import http from 'k6/http';
import type { Params, RefinedResponse, ResponseType } from 'k6/http';
import { config } from './config';
import type { BackpressurePolicy } from './checks';
import { batchBody, sampleBody, type TelemetrySample } from './payload';

type Res = RefinedResponse<ResponseType | undefined>;

/**
 * With back-pressure tolerated, 429/503 are expected responses: `http_req_failed` then measures
 * real errors only and `ingest_backpressure` measures shedding.
 */
const tolerateBackpressure = http.expectedStatuses({ min: 200, max: 399 }, 429, 503);

function params(endpoint: string, name: string, policy: BackpressurePolicy, extraTags?: Record<string, string>): Params {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (config.apiKey) headers['X-API-Key'] = config.apiKey;
  const p: Params = { headers, tags: { endpoint, name, ...extraTags } };
  if (policy === 'tolerate') p.responseCallback = tolerateBackpressure;
  return p;
}

export function postSample(sample: TelemetrySample, policy: BackpressurePolicy = 'fail', tags?: Record<string, string>): Res {
  return http.post(`${config.baseUrl}/telemetry`, sampleBody(sample), params('ingest', 'POST /telemetry', policy, tags));
}

export function postBatch(samples: TelemetrySample[], policy: BackpressurePolicy = 'fail', tags?: Record<string, string>): Res {
  return http.post(
    `${config.baseUrl}/telemetry/batch`,
    batchBody(samples),
    params('ingest-batch', 'POST /telemetry/batch', policy, tags),
  );
}

export function getHealth(tags?: Record<string, string>): Res {
  return http.get(`${config.baseUrl}/health`, { tags: { endpoint: 'health', name: 'GET /health', ...tags } });
}
