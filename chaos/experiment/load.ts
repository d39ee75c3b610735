import type { LoadSpec } from './types';
import { parseDuration } from './duration';

/** One request of the background load (`t` = ms since the experiment started). */
export interface LoadSample {
  t: number;
  durationMs: number;
  status: number;
  /** k6-style error code name when there was no HTTP response (timeout, reset, refused). */
  error?: string;
  /** The id the gateway returned with a 202. */
  id?: string;
}

/**
 * What drives the background load during an experiment. The built-in `HttpLoad` is used by
 * default; the k6 engine can be plugged in behind this (see docs/chaos.md).
 */
export interface LoadDriver {
  start(opts: { targetUrl: string; now: () => number; signal: AbortSignal }): RunningLoad;
}
export interface RunningLoad {
  /** Stops issuing requests and waits for the ones in flight. */
  stop(): Promise<LoadSample[]>;
  samples(): readonly LoadSample[];
}

function errorName(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'request_timeout';
  return err?.cause?.code ?? 'request_failed';
}

/**
 * An open-model constant-arrival-rate load: `rate` POST /telemetry per second (unique device
 * and metric value each), at most `maxInFlight` at once (beyond that, iterations are dropped and
 * counted, as k6 does), each with a timeout so hangs show up as failures.
 */
export class HttpLoad implements LoadDriver {
  constructor(private readonly spec: LoadSpec = {}) {}

  start(opts: { targetUrl: string; now: () => number; signal: AbortSignal }): RunningLoad {
    const rate = this.spec.rate ?? 20;
    const maxInFlight = this.spec.maxInFlight ?? 10;
    const timeoutMs = parseDuration(this.spec.timeout ?? '5s') ?? 5000;
    const samples: LoadSample[] = [];
    const inFlight = new Set<Promise<void>>();
    let seq = 0;
    let dropped = 0;
    const stopCtl = new AbortController();
    const one = async () => {
      const n = seq++;
      const t = opts.now();
      const started = performance.now();
      try {
        const res = await fetch(`${opts.targetUrl}/telemetry`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ device_id: `chaos-${n % 1000}`, timestamp: Date.now(), metrics: { seq: n } }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        let id: string | undefined;
        if (res.status === 202) {
          try {
            id = (JSON.parse(text) as { id?: string }).id;
          } catch {
            /* counted by status anyway */
          }
        }
        samples.push({ t, durationMs: performance.now() - started, status: res.status, id });
      } catch (e) {
        samples.push({ t, durationMs: performance.now() - started, status: 0, error: errorName(e) });
      }
    };
    const interval = 1000 / rate;
    let next = performance.now();
    const tick = () => {
      if (stopCtl.signal.aborted || opts.signal.aborted) return;
      const now = performance.now();
      while (next <= now) {
        next += interval;
        if (inFlight.size >= maxInFlight) {
          dropped++;
          continue;
        }
        const p = one().finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      timer = setTimeout(tick, Math.max(1, next - performance.now()));
    };
    let timer = setTimeout(tick, 0);
    return {
      samples: () => samples,
      async stop() {
        stopCtl.abort();
        clearTimeout(timer);
        await Promise.allSettled([...inFlight]);
        return Object.assign([...samples].sort((a, b) => a.t - b.t), { dropped });
      },
    };
  }
}
