/**
 * Telemetry payloads for the TelemetryHub gateway. Scenario code imports only k6/* and scenarios/lib,
 * so this is its own copy of the shape; payload.test.ts sends what it generates to a real gateway
 * (schema: target/gateway/schema.ts) and fails if the two drift apart.
 *
 *   POST /telemetry        { device_id, timestamp, metrics: { name: number } }
 *   POST /telemetry/batch  [ sample, sample, ... ]   (all-or-nothing, 1..BATCH_MAX, default 1000)
 *
 * Values are deterministic per (HARNESS_SEED, VU, iteration); `timestamp` is the send time
 * (the gateway may reject stale samples), so it is the one field that differs between runs.
 */
import { config } from './config';
import { rngFor, type Rng } from './random';

export interface TelemetrySample {
  device_id: string;
  /** ISO 8601 with milliseconds, UTC. */
  timestamp: string;
  metrics: Record<string, number>;
}

export interface SampleOptions {
  seed?: number;
  /** Devices per VU: iteration i reports for device i % devicesPerVu (default 4). */
  devicesPerVu?: number;
  /** Send time in ms since epoch (default now). */
  now?: number;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function metricsFrom(rng: Rng): Record<string, number> {
  return {
    temperature_c: round(15 + rng() * 15, 2),
    humidity_pct: round(20 + rng() * 60, 1),
    battery_pct: round(rng() * 100, 1),
    rssi_dbm: Math.round(-90 + rng() * 60),
  };
}

/** Device id for a VU's n-th device: stable across runs, unique across VUs. */
export function deviceId(vu: number, n: number): string {
  return `dev-${String(vu).padStart(4, '0')}-${n}`;
}

/** One valid sample for (vu, iter). */
export function makeSample(vu: number, iter: number, o: SampleOptions = {}): TelemetrySample {
  const rng = rngFor(o.seed ?? config.seed, vu, iter);
  const devices = o.devicesPerVu ?? 4;
  return {
    device_id: deviceId(vu, iter % devices),
    timestamp: new Date(o.now ?? Date.now()).toISOString(),
    metrics: metricsFrom(rng),
  };
}

/** `size` valid samples for (vu, iter), each from its own stream so batches are reproducible too. */
export function makeBatch(vu: number, iter: number, size: number = config.batchSize, o: SampleOptions = {}): TelemetrySample[] {
  const out: TelemetrySample[] = [];
  for (let i = 0; i < size; i++) {
    // iteration index spread so batch k of iter i never collides with single samples
    out.push(makeSample(vu, iter * 1000 + i, o));
  }
  return out;
}

export function sampleBody(sample: TelemetrySample): string {
  return JSON.stringify(sample);
}

export function batchBody(samples: TelemetrySample[]): string {
  return JSON.stringify(samples);
}
