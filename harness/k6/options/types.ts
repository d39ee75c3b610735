import type { ExecutionTuple } from '../../../vocabulary';
import type { BaseScenarioConfig } from '../executors/types';
import type { Tags } from '../types';

/**
 * One tier of k6 options in k6's JSON shape (`export const options`, the env tier, the CLI tier).
 * Consolidation order: script < env (`K6_*`) < CLI flags.
 */
export type OptionLayer = Record<string, unknown>;

/** The consolidated, validated options a run uses. Times in ms. */
export interface K6Options {
  /** Scenarios in declaration order, parsed by their executor definitions. */
  scenarios: BaseScenarioConfig[];
  /** `metric{filter}` -> threshold expressions/objects as written (validated by thresholds/). */
  thresholds: Record<string, unknown[]>;
  tags: Tags;
  /** k6 default: 60 s each. */
  setupTimeout: number;
  teardownTimeout: number;
  summaryTrendStats: string[];
  summaryTimeUnit: string;
  noThresholds: boolean;
  noSummary: boolean;
  /** k6 default system tag set unless `systemTags` is given. */
  systemTags: string[];
  userAgent: string;
  discardResponseBodies: boolean;
  noConnectionReuse: boolean;
  noVUConnectionReuse: boolean;
  /** Accept any TLS certificate (script option; the `--insecure-skip-tls-verify` flag is still ignored). */
  insecureSkipTLSVerify: boolean;
  batch: number;
  batchPerHost: number;
  maxRedirects: number;
  throw: boolean;
  hosts: Record<string, string>;
  /**
   * This instance's share of the test (`executionSegment` within `executionSegmentSequence`,
   * `--execution-segment`/`--execution-segment-sequence`); the whole test by default.
   */
  executionTuple: ExecutionTuple;
  /** Not in k6's options object: CLI-only settings carried along for convenience. */
  summaryExport?: string;
  /** The merged option object (script < env < CLI), k6 JSON shape, for handleSummary's `options` and the runtime. */
  merged: OptionLayer;
  /** The scenarios as derived from the shortcuts (or given), before defaults: for `exec.test.options`. */
  derivedScenarios: Record<string, Record<string, unknown>>;
}

export const DEFAULT_SYSTEM_TAGS = [
  'check',
  'error',
  'error_code',
  'expected_response',
  'group',
  'method',
  'name',
  'proto',
  'scenario',
  'service',
  'status',
  'subproto',
  'tls_version',
  'url',
];

export const DEFAULT_SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
