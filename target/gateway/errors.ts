/**
 * The catalogue of errors the gateway answers with. Every error body has the same shape:
 * `{ error, status, code, request_id, reasons? }`; 429 and 503 carry a `Retry-After` header.
 */
export interface ErrorSpec {
  status: number;
  code: string;
  error: string;
}

const e = (status: number, code: string, error: string): ErrorSpec => ({ status, code, error });

export const GatewayErrors = {
  InvalidJson: e(400, 'INVALID_JSON', 'body is not valid JSON'),
  Validation: e(400, 'VALIDATION_FAILED', 'body does not match the schema'),
  Unauthorized: e(401, 'UNAUTHORIZED', 'missing or wrong API key (X-API-Key or Authorization: Bearer)'),
  NotFound: e(404, 'NOT_FOUND', 'no such route'),
  PayloadTooLarge: e(413, 'PAYLOAD_TOO_LARGE', 'body over the limit'),
  UnsupportedMediaType: e(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'),
  QueueFull: e(429, 'QUEUE_FULL', 'queue at capacity, retry later'),
  RateLimited: e(429, 'RATE_LIMITED', 'device over its rate limit'),
  Paused: e(503, 'INGEST_PAUSED', 'ingestion is paused (POST /start resumes it)'),
  RedisUnavailable: e(503, 'REDIS_UNAVAILABLE', 'queue unreachable, retry later'),
  BreakerOpen: e(503, 'CIRCUIT_OPEN', 'queue unreachable (circuit breaker open), retry later'),
  ShuttingDown: e(503, 'SHUTTING_DOWN', 'gateway is shutting down'),
  Internal: e(500, 'INTERNAL', 'internal error'),
} as const;

/** Rejection reasons as counted in /status and `telemetryhub_samples_rejected_total{reason}`. */
export type RejectReason =
  | 'invalid'
  | 'unauthorized'
  | 'too_large'
  | 'unsupported_media_type'
  | 'queue_full'
  | 'rate_limited'
  | 'paused'
  | 'redis_unavailable'
  | 'breaker_open'
  | 'shutting_down';

export const REJECT_REASONS: readonly RejectReason[] = [
  'invalid',
  'unauthorized',
  'too_large',
  'unsupported_media_type',
  'queue_full',
  'rate_limited',
  'paused',
  'redis_unavailable',
  'breaker_open',
  'shutting_down',
];
