/** Small helpers for the target's own tests (not imported by production code). */
import { loadGatewayConfig } from '../gateway/config';
import { startGateway, type StartedGateway } from '../gateway/server';
import type { Sample } from '../gateway/schema';
import { createLogger } from '../shared/logger';

export function sample(i = 0, device = `dev-${i % 7}`): Sample {
  return { device_id: device, timestamp: 1_700_000_000_000 + i, metrics: { temp_c: 20 + (i % 10), seq: i } };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function request(url: string, init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), body, headers });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** An in-process gateway (WORKERS=1) on a free port against redisUrl, quiet logs unless LOG_LEVEL is set. */
export function gatewayFor(redisUrl: string, env: Record<string, string> = {}): Promise<StartedGateway> {
  const config = loadGatewayConfig({ PORT: '0', WORKERS: '1', REDIS_URL: redisUrl, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env });
  return startGateway(config, { logger: createLogger('gateway', config.logLevel) });
}

export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 500)}`);
}
