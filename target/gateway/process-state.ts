/**
 * What one gateway process knows about itself: counters since the last reset, ingest switch,
 * shutdown flag, recent errors. The control plane sums snapshots of every process, so /status
 * is right whichever process answers.
 */
import { REJECT_REASONS, type RejectReason } from './errors';
import type { BreakerState } from './circuit-breaker';

export interface ProcessSnapshot {
  pid: number;
  startedAt: number;
  ingesting: boolean;
  shuttingDown: boolean;
  samples: { received: number; accepted: number; ambiguous: number; rejected: Record<RejectReason, number> };
  /** Responses by status code. */
  http: Record<string, number>;
  breaker: { state: BreakerState; trips: number };
  /** Errors in the last 60 s, by kind. */
  recentErrors: { redis: number; http5xx: number; rejected: number };
}

const WINDOW_MS = 60_000;

export class ProcessState {
  readonly startedAt = Date.now();
  ingesting: boolean;
  shuttingDown = false;
  samples = ProcessState.#zeroSamples();
  http: Record<string, number> = {};
  #recent: Record<keyof ProcessSnapshot['recentErrors'], number[]> = { redis: [], http5xx: [], rejected: [] };

  constructor(ingesting: boolean) {
    this.ingesting = ingesting;
  }

  static #zeroSamples(): ProcessSnapshot['samples'] {
    return { received: 0, accepted: 0, ambiguous: 0, rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number> };
  }

  reject(reason: RejectReason, n = 1): void {
    this.samples.rejected[reason] += n;
    this.noteError('rejected');
  }

  noteError(kind: keyof ProcessSnapshot['recentErrors']): void {
    const list = this.#recent[kind];
    list.push(Date.now());
    if (list.length > 10_000) list.splice(0, list.length - 10_000);
  }

  noteStatus(code: number): void {
    this.http[code] = (this.http[code] ?? 0) + 1;
    if (code >= 500) this.noteError('http5xx');
  }

  resetCounters(): void {
    this.samples = ProcessState.#zeroSamples();
    this.http = {};
    this.#recent = { redis: [], http5xx: [], rejected: [] };
  }

  snapshot(breaker: ProcessSnapshot['breaker']): ProcessSnapshot {
    const since = Date.now() - WINDOW_MS;
    const recent = (k: keyof ProcessSnapshot['recentErrors']) => {
      const l = this.#recent[k];
      while (l.length && l[0] < since) l.shift();
      return l.length;
    };
    return {
      pid: process.pid,
      startedAt: this.startedAt,
      ingesting: this.ingesting,
      shuttingDown: this.shuttingDown,
      samples: structuredClone(this.samples),
      http: { ...this.http },
      breaker,
      recentErrors: { redis: recent('redis'), http5xx: recent('http5xx'), rejected: recent('rejected') },
    };
  }
}

const SEVERITY: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Sums snapshots of several processes; the breaker state is the worst one. */
export function mergeSnapshots(snaps: ProcessSnapshot[]) {
  const samples = { received: 0, accepted: 0, ambiguous: 0, rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number> };
  const http: Record<string, number> = {};
  const recentErrors = { redis: 0, http5xx: 0, rejected: 0 };
  let breaker: BreakerState = 'closed';
  let trips = 0;
  for (const s of snaps) {
    samples.received += s.samples.received;
    samples.accepted += s.samples.accepted;
    samples.ambiguous += s.samples.ambiguous;
    for (const r of REJECT_REASONS) samples.rejected[r] += s.samples.rejected[r] ?? 0;
    for (const [c, n] of Object.entries(s.http)) http[c] = (http[c] ?? 0) + n;
    for (const k of Object.keys(recentErrors) as (keyof typeof recentErrors)[]) recentErrors[k] += s.recentErrors[k];
    if (SEVERITY[s.breaker.state] > SEVERITY[breaker]) breaker = s.breaker.state;
    trips += s.breaker.trips;
  }
  return {
    processes: snaps.length,
    startedAt: Math.min(...snaps.map((s) => s.startedAt)),
    ingesting: snaps.every((s) => s.ingesting),
    shuttingDown: snaps.some((s) => s.shuttingDown),
    samples: { ...samples, rejected_total: Object.values(samples.rejected).reduce((a, b) => a + b, 0) },
    http,
    breaker: { state: breaker, trips, processes: snaps.map((s) => ({ pid: s.pid, state: s.breaker.state, trips: s.breaker.trips })) },
    recentErrors,
  };
}
export type MergedSnapshot = ReturnType<typeof mergeSnapshots>;
