import type { Writable } from 'node:stream';
import type { Logger, Sample } from '../types';
import type { MetricInfoSource } from '../../../vocabulary';

/**
 * An `--out` destination (k6 `output.Output`).
 *
 *   MetricsEngine.push ──▶ batch (≤ 100 ms) ──▶ Output.write(samples) ──▶ own buffer ──▶ async I/O
 *
 * Contract: `start()` once before any `write`; `write()` never blocks and is never called
 * concurrently (main thread, samples in emission order); `stop()` flushes everything and is
 * idempotent. Optional capabilities are separate interfaces with type guards (`isWithThresholds`).
 */
export interface Output {
  /** Shown on the banner's `output:` line, e.g. `json (points.ndjson)`. */
  description(): string;
  start(): Promise<void>;
  write(samples: readonly Sample[]): void;
  stop(): Promise<void>;
}

/** What an output factory receives. */
export interface OutputParams {
  /** The text after `key=` in `--out key=arg` ('' when absent). */
  arg: string;
  /** Metric definitions, thresholds and submetrics (the MetricsEngine implements it). */
  metrics: MetricInfoSource;
  /** Relative paths resolve against it. */
  cwd: string;
  stdout: Writable;
  env: Record<string, string>;
  logger?: Logger;
  /**
   * Harness-only (`harness run --runners N`, `--json-shared DIR`): several instances append to
   * one JSON file, and each metric's Metric line is written once among them (claimed in DIR).
   */
  sharedJsonDir?: string;
}

export type OutputFactory = (params: OutputParams) => Output;

/** An output that wants to stop the test (k6 `WithTestRunStop`), e.g. on a fatal write error. */
export interface WithAbort {
  setAbort(abort: (err: Error) => void): void;
}

export function isWithAbort(o: Output): o is Output & WithAbort {
  return typeof (o as Partial<WithAbort>).setAbort === 'function';
}

/** An output whose writes can be awaited onto disk without stopping it (`--lifecycle-for` hands its setup samples on). */
export interface WithFlushed {
  /** Resolves once every sample written so far is on disk. */
  flushed(): Promise<void>;
}

export function isWithFlushed(o: Output): o is Output & WithFlushed {
  return typeof (o as Partial<WithFlushed>).flushed === 'function';
}
