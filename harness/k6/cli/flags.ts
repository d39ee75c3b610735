import { parseDuration } from '../../../vocabulary';
import { parseStageFlag } from '../options/stages';
import type { OptionLayer } from '../options/types';

/** k6 v2's modes (`compact` the default), plus k6 v1.0-v1.2's `legacy` (the v0.48 text; see run-k6.ts). */
export const SUMMARY_MODES = ['compact', 'full', 'disabled', 'legacy'] as const;
export type SummaryMode = (typeof SUMMARY_MODES)[number];

/**
 * Whether k6's end-of-test summary step runs at all: its text, handleSummary() and the
 * `--summary-export` document are produced together, so `--no-summary` (k6 v0.48 - v1.x) and
 * `--summary-mode=disabled` (k6 v1.3+, v2) skip all three; thresholds are judged regardless.
 * k6 v0.48.0 cmd/run.go (`if !testRunState.RuntimeOptions.NoSummary.Bool`); k6 v1.3.0 - v2.2.0
 * internal/cmd/run.go (`getSummaryMode` -> `summaryEnabled`). `mode` undefined: compact.
 */
export function summaryEnabled(noSummary: boolean | undefined, mode: string | undefined): boolean {
  return !noSummary && mode !== 'disabled';
}

/** `k6 run` flags as parsed (only what the user gave; defaults are applied by consolidation). */
export interface RunFlags {
  script?: string;
  /** The CLI option tier (`vus`, `duration`, `iterations`, `stages`, `tags`, ...). */
  options: OptionLayer;
  /** `--env K=V`, in order. */
  env: Record<string, string>;
  out: string[];
  summaryExport?: string;
  quiet: boolean;
  noSummary: boolean;
  noThresholds: boolean;
  includeSystemEnvVars: boolean;
  /** `stderr` (default), `stdout`, `none`, `file=PATH`. */
  logOutput: string;
  noColor: boolean;
  verbose: boolean;
  noSetup: boolean;
  noTeardown: boolean;
  /** `--secret-source TYPE=CONFIG` (k6 v1+), in order. */
  secretSources: string[];
  /** `--summary-mode compact|full|disabled|legacy` (k6 v1+); undefined: K6_SUMMARY_MODE, else compact. */
  summaryMode?: SummaryMode;
  /** `--new-machine-readable-summary[=bool]` (k6 v1.4.2+); undefined: K6_NEW_MACHINE_READABLE_SUMMARY decides. */
  newMachineReadableSummary?: boolean;
  /**
   * Harness-only (`harness run --runners N`, docs/scaling.md): `--lifecycle-for DIR` makes this
   * instance run no scenario, only setup(), teardown() and the end-of-test summary for runners that
   * run `--setup-from DIR` (no setup of their own: they wait for DIR/setup.json). Protocol in
   * `runners-protocol.ts`.
   */
  lifecycleFor?: string;
  setupFrom?: string;
  /** Harness-only: append this instance's metric aggregates (deltas, one JSON line each) to FILE (runners-protocol.ts `AggregatesRecord`). */
  aggregatesOut?: string;
  /** Harness-only: `--out json=FILE` appends to FILE shared with other instances, each Metric line once among them (claims in DIR). */
  jsonShared?: string;
  /** Harness-only: a threshold whose metric got no sample fails (99) instead of passing as in k6; undefined: HARNESS_K6_FAIL_ON_UNMATCHED_THRESHOLDS decides. */
  failOnUnmatchedThresholds?: boolean;
}

type Kind = 'bool' | 'value' | 'ignoredValue' | 'ignoredBool';
const FLAGS: Record<string, { kind: Kind; short?: string }> = {
  vus: { kind: 'value', short: 'u' },
  duration: { kind: 'value', short: 'd' },
  iterations: { kind: 'value', short: 'i' },
  stage: { kind: 'value', short: 's' },
  env: { kind: 'value', short: 'e' },
  out: { kind: 'value', short: 'o' },
  tag: { kind: 'value' },
  'summary-export': { kind: 'value' },
  'summary-trend-stats': { kind: 'value' },
  'summary-time-unit': { kind: 'value' },
  'summary-mode': { kind: 'value' },
  'secret-source': { kind: 'value' },
  'system-tags': { kind: 'value' },
  'user-agent': { kind: 'value' },
  'max-redirects': { kind: 'value' },
  batch: { kind: 'value' },
  'batch-per-host': { kind: 'value' },
  'log-output': { kind: 'value' },
  'execution-segment': { kind: 'value' },
  'execution-segment-sequence': { kind: 'value' },
  'lifecycle-for': { kind: 'value' },
  'setup-from': { kind: 'value' },
  'aggregates-out': { kind: 'value' },
  'json-shared': { kind: 'value' },
  'log-format': { kind: 'ignoredValue' },
  address: { kind: 'ignoredValue', short: 'a' },
  'compatibility-mode': { kind: 'ignoredValue' },
  'http-debug': { kind: 'ignoredBool' },
  'no-usage-report': { kind: 'ignoredBool' },
  'insecure-skip-tls-verify': { kind: 'ignoredBool' },
  quiet: { kind: 'bool', short: 'q' },
  'no-summary': { kind: 'bool' },
  'no-thresholds': { kind: 'bool' },
  'include-system-env-vars': { kind: 'bool' },
  'no-color': { kind: 'bool' },
  verbose: { kind: 'bool', short: 'v' },
  throw: { kind: 'bool', short: 'w' },
  'discard-response-bodies': { kind: 'bool' },
  'no-connection-reuse': { kind: 'bool' },
  'no-vu-connection-reuse': { kind: 'bool' },
  'no-setup': { kind: 'bool' },
  'no-teardown': { kind: 'bool' },
  'fail-on-unmatched-thresholds': { kind: 'bool' },
  'new-machine-readable-summary': { kind: 'bool' },
};
const SHORT = Object.fromEntries(Object.entries(FLAGS).filter(([, f]) => f.short).map(([k, f]) => [f.short!, k]));

/**
 * Parses `k6 run` flags (`--vus 10`, `--vus=10`, `-u 10`, `-u10`, repeatable `--stage`, `--env`,
 * `--out`, `--tag`). Every problem is collected; the script path is the one positional argument.
 */
export function parseRunFlags(argv: string[], problems: string[]): RunFlags {
  const f: RunFlags = {
    options: {},
    env: {},
    out: [],
    secretSources: [],
    quiet: false,
    noSummary: false,
    noThresholds: false,
    includeSystemEnvVars: true,
    logOutput: 'stderr',
    noColor: false,
    verbose: false,
    noSetup: false,
    noTeardown: false,
  };
  const stages: { duration: string; target: number }[] = [];
  const tags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let name: string | undefined;
    let value: string | undefined;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (eq !== -1) value = a.slice(eq + 1);
    } else if (a.startsWith('-') && a.length > 1) {
      name = SHORT[a[1]];
      if (!name) {
        problems.push(`unknown shorthand flag: '${a[1]}' in ${a}`);
        continue;
      }
      if (a.length > 2) value = a.slice(a[2] === '=' ? 3 : 2);
    } else {
      positional.push(a);
      continue;
    }
    const spec = FLAGS[name];
    if (!spec) {
      problems.push(`unknown flag: --${name}`);
      continue;
    }
    if (spec.kind === 'bool' || spec.kind === 'ignoredBool') {
      const on = value === undefined ? true : /^(true|1)$/i.test(value);
      if (value !== undefined && !/^(true|false|1|0)$/i.test(value)) problems.push(`--${name}: invalid boolean "${value}"`);
      setBool(f, name, on);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        problems.push(`flag needs an argument: --${name}`);
        continue;
      }
      value = argv[++i];
    }
    if (spec.kind === 'ignoredValue') continue;
    switch (name) {
      case 'vus':
      case 'iterations':
      case 'max-redirects':
      case 'batch':
      case 'batch-per-host': {
        if (!/^\d+$/.test(value)) problems.push(`--${name}: invalid integer "${value}"`);
        else f.options[camel(name)] = Number(value);
        break;
      }
      case 'duration': {
        const d = parseDuration(value);
        if (!d.ok) problems.push(`--duration: ${d.error}`);
        else f.options.duration = value;
        break;
      }
      case 'stage':
        stages.push(parseStageFlag(value, `--stage ${value}`, problems));
        break;
      case 'env':
      case 'tag': {
        const eq = value.indexOf('=');
        if (eq <= 0) problems.push(`--${name}: expected KEY=VALUE, got "${value}"`);
        else (name === 'env' ? f.env : tags)[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      case 'out':
        f.out.push(value);
        break;
      case 'summary-export':
        f.summaryExport = value;
        break;
      case 'summary-trend-stats':
        f.options.summaryTrendStats = value.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case 'system-tags':
        f.options.systemTags = value.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case 'summary-time-unit':
        f.options.summaryTimeUnit = value;
        break;
      case 'summary-mode':
        if ((SUMMARY_MODES as readonly string[]).includes(value)) f.summaryMode = value as SummaryMode;
        else problems.push(`--summary-mode: invalid summary mode "${value}"; valid: ${SUMMARY_MODES.join(', ')}`);
        break;
      case 'secret-source':
        f.secretSources.push(value);
        break;
      case 'user-agent':
        f.options.userAgent = value;
        break;
      case 'log-output':
        f.logOutput = value;
        break;
      case 'execution-segment':
        f.options.executionSegment = value;
        break;
      case 'execution-segment-sequence':
        f.options.executionSegmentSequence = value;
        break;
      case 'lifecycle-for':
        f.lifecycleFor = value;
        break;
      case 'setup-from':
        f.setupFrom = value;
        break;
      case 'aggregates-out':
        f.aggregatesOut = value;
        break;
      case 'json-shared':
        f.jsonShared = value;
        break;
    }
  }
  if (stages.length) f.options.stages = stages;
  if (Object.keys(tags).length) f.options.tags = tags;
  if (positional.length > 1) problems.push(`accepts 1 arg (the script), received ${positional.length}: ${positional.join(' ')}`);
  f.script = positional[0];
  return f;
}

function setBool(f: RunFlags, name: string, on: boolean): void {
  switch (name) {
    case 'quiet':
      f.quiet = on;
      break;
    case 'no-summary':
      f.noSummary = on;
      f.options.noSummary = on;
      break;
    case 'no-thresholds':
      f.noThresholds = on;
      f.options.noThresholds = on;
      break;
    case 'include-system-env-vars':
      f.includeSystemEnvVars = on;
      break;
    case 'no-color':
      f.noColor = on;
      break;
    case 'verbose':
      f.verbose = on;
      break;
    case 'no-setup':
      f.noSetup = on;
      break;
    case 'no-teardown':
      f.noTeardown = on;
      break;
    case 'fail-on-unmatched-thresholds':
      f.failOnUnmatchedThresholds = on;
      break;
    case 'new-machine-readable-summary':
      f.newMachineReadableSummary = on;
      break;
    case 'throw':
    case 'discard-response-bodies':
    case 'no-connection-reuse':
    case 'no-vu-connection-reuse':
      f.options[camel(name)] = on;
      break;
  }
}

function camel(s: string): string {
  return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/Vu/, 'VU');
}
