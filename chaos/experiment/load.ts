import type { LoadSpec } from './types';
import type { K6Stream } from './k6-stream-type';
import { nonNegativeDurationMs as parseDuration } from '../../vocabulary';

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

/** Options every load driver gets from the runner. */
export interface LoadStartOptions {
  /** Through the gateway proxy (client->gateway faults act on it). */
  targetUrl: string;
  /** Journal time (ms since the experiment started). */
  now: () => number;
  /** Aborted on Ctrl-C: stop at once. */
  signal: AbortSignal;
  /** How long the load should offer requests (the whole timeline, recovery floor included). */
  durationMs: number;
}

/**
 * What drives the background load during an experiment. The CLI uses `K6Load` (the experiment's
 * k6 scenario run by a harness engine); `HttpLoad` is a dependency-free built-in for runner
 * tests. Contract: `start` is called once per experiment; `stop` once, after the timeline.
 */
export interface LoadDriver {
  start(opts: LoadStartOptions): RunningLoad;
}

export interface LoadResult {
  /** One per request, journal time, sorted by `t`. */
  samples: LoadSample[];
  /** The k6 JSON stream with journal times, when the driver produced one (else synthesised from samples). */
  stream?: K6Stream;
  /** Iterations not started because too many were in flight (arrival-rate semantics). */
  dropped?: number;
  /** Where the raw k6 JSON stream was written, if anywhere. */
  streamFile?: string;
}

export interface RunningLoad {
  /**
   * Resolves with the journal time at which load was actually being offered (the timeline's
   * origin: faults are scheduled relative to it), once the driver knows. Never rejects.
   */
  readonly ready: Promise<number>;
  /**
   * `graceful`: the timeline ended, let the load finish on its own (bounded); otherwise stop
   * issuing requests now. Waits for requests in flight. Rejects when the load itself failed
   * (e.g. the scenario did not compile or crashed), which the runner treats as a harness error.
   */
  stop(opts?: { graceful?: boolean }): Promise<LoadResult>;
}

function errorName(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'request_timeout';
  return err?.cause?.code ?? 'request_failed';
}

/**
 * A dependency-free background load for runner tests (the CLI runs the experiment's k6
 * scenario through `K6Load`). An open-model constant-arrival-rate load: `rate` POST /telemetry per second (unique device
 * and metric value each), at most `maxInFlight` at once (beyond that, iterations are dropped and
 * counted, as k6 does), each with a timeout so hangs show up as failures.
 */
export class HttpLoad implements LoadDriver {
  constructor(private readonly spec: LoadSpec = {}) {}

  start(opts: LoadStartOptions): RunningLoad {
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
      ready: Promise.resolve(opts.now()),
      async stop() {
        stopCtl.abort();
        clearTimeout(timer);
        await Promise.allSettled([...inFlight]);
        return { samples: [...samples].sort((a, b) => a.t - b.t), dropped };
      },
    };
  }
}
