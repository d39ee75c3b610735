import { InvalidConfigError } from '../../errors';
import type { ExecutorRegistry } from '../executors/registry';
import type { BaseScenarioConfig } from '../executors/types';
import { ExecutionTuple, parseDuration } from '../../../vocabulary';
import { DEFAULT_SUMMARY_TREND_STATS, DEFAULT_SYSTEM_TAGS, type K6Options, type OptionLayer } from './types';

const SHORTCUTS = ['duration', 'iterations', 'stages', 'scenarios'] as const;
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;

export interface ConsolidateInput {
  /** The script's exported `options` (JSON-copied). */
  script: OptionLayer;
  /** From `optionsFromEnv`. */
  env: OptionLayer;
  /** From the parsed CLI flags. */
  cli: OptionLayer;
  registry: ExecutorRegistry;
  /** Exported function names, to check every scenario's `exec` (skipped when undefined). */
  exportedFunctions?: string[];
  /** thresholds/ validator: returns problems (`thresholds.<metric>[i]: ...`), empty when valid. */
  validateThresholds?: (thresholds: Record<string, unknown[]>) => string[];
  /** Problems already found (e.g. while reading env or flags), reported together with the rest. */
  problems?: string[];
}

export interface Consolidated {
  options: K6Options;
  warnings: string[];
}

/**
 * k6's `Options.Apply`: a tier that sets any of duration/iterations/stages/scenarios replaces all
 * four from lower tiers (so `--duration 10s` overrides a script's scenarios); everything else is a
 * plain per-key override.
 */
export function mergeLayers(...layers: OptionLayer[]): OptionLayer {
  const out: OptionLayer = {};
  for (const layer of layers) {
    if (SHORTCUTS.some((k) => layer[k] !== undefined && layer[k] !== null)) for (const k of SHORTCUTS) delete out[k];
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Merges the tiers, derives the scenarios from the shortcuts exactly as k6 does, applies k6's
 * defaults and validates everything. Throws one InvalidConfigError (exit 104) listing every problem.
 */
export function consolidateOptions(input: ConsolidateInput): Consolidated {
  const problems: string[] = [...(input.problems ?? [])];
  const warnings: string[] = [];
  const merged = mergeLayers(input.script, input.env, input.cli);

  const rawScenarios = deriveScenarios(merged, problems, warnings);
  const scenarios: BaseScenarioConfig[] = [];
  for (const [name, raw] of Object.entries(rawScenarios)) {
    const sc = parseScenario(name, raw, input.registry, problems);
    if (sc) scenarios.push(sc);
  }
  if (input.exportedFunctions) {
    for (const sc of scenarios) {
      if (!input.exportedFunctions.includes(sc.exec)) {
        problems.push(
          sc.exec === 'default'
            ? `scenarios.${sc.name}.exec: the script has no default export; export a default function or set exec`
            : `scenarios.${sc.name}.exec: function '${sc.exec}' not found in exports`,
        );
      }
    }
  }

  const thresholds = normaliseThresholds(merged.thresholds, problems);
  if (input.validateThresholds && !merged.noThresholds) problems.push(...input.validateThresholds(thresholds));

  const options: K6Options = {
    scenarios,
    thresholds,
    tags: stringMap(merged.tags, 'tags', problems),
    setupTimeout: dur(merged.setupTimeout, 60_000, 'setupTimeout', problems),
    teardownTimeout: dur(merged.teardownTimeout, 60_000, 'teardownTimeout', problems),
    summaryTrendStats: strList(merged.summaryTrendStats, DEFAULT_SUMMARY_TREND_STATS, 'summaryTrendStats', problems),
    summaryTimeUnit: typeof merged.summaryTimeUnit === 'string' ? merged.summaryTimeUnit : '',
    noThresholds: merged.noThresholds === true,
    noSummary: merged.noSummary === true,
    systemTags: strList(merged.systemTags, DEFAULT_SYSTEM_TAGS, 'systemTags', problems),
    userAgent: typeof merged.userAgent === 'string' ? merged.userAgent : 'k6/0.48.0 (https://k6.io/)',
    discardResponseBodies: merged.discardResponseBodies === true,
    noConnectionReuse: merged.noConnectionReuse === true,
    noVUConnectionReuse: merged.noVUConnectionReuse === true,
    insecureSkipTLSVerify: merged.insecureSkipTLSVerify === true,
    batch: int(merged.batch, 20, 'batch', problems),
    batchPerHost: int(merged.batchPerHost, 6, 'batchPerHost', problems),
    maxRedirects: int(merged.maxRedirects, 10, 'maxRedirects', problems),
    throw: merged.throw === true,
    hosts: stringMap(merged.hosts, 'hosts', problems),
    executionTuple: executionTuple(merged, problems),
    summaryExport: typeof merged.summaryExport === 'string' ? merged.summaryExport : undefined,
    merged,
    derivedScenarios: rawScenarios,
  };
  if (options.summaryTimeUnit && !['s', 'ms', 'us'].includes(options.summaryTimeUnit)) problems.push(`summaryTimeUnit: must be one of s, ms, us; got "${options.summaryTimeUnit}"`);
  if (problems.length) throw new InvalidConfigError('invalid k6 options', problems, { hint: 'fix the options above (script `options`, K6_* env or flags); nothing was started' });
  return { options, warnings };
}

/** `executionSegment` in `executionSegmentSequence` (k6 NewExecutionTuple); the whole test when unset or invalid. */
function executionTuple(o: OptionLayer, problems: string[]): ExecutionTuple {
  const seg = o.executionSegment;
  const seq = o.executionSegmentSequence;
  if (seg !== undefined && typeof seg !== 'string') problems.push(`executionSegment: must be a string such as "0:1/2", got ${JSON.stringify(seg)}`);
  if (seq !== undefined && typeof seq !== 'string') problems.push(`executionSegmentSequence: must be a string such as "0,1/2,1", got ${JSON.stringify(seq)}`);
  if (typeof seg !== 'string' && typeof seq !== 'string') return ExecutionTuple.FULL;
  try {
    return ExecutionTuple.parse(typeof seg === 'string' ? seg : undefined, typeof seq === 'string' ? seq : undefined);
  } catch (e) {
    problems.push(`executionSegment: ${(e as Error).message}`);
    return ExecutionTuple.FULL;
  }
}

/** k6's DeriveScenariosFromShortcuts (v0.48 semantics and messages). */
function deriveScenarios(o: OptionLayer, problems: string[], warnings: string[]): Record<string, Record<string, unknown>> {
  const has = (k: string) => o[k] !== undefined && o[k] !== null;
  const stages = o.stages;
  const hasStages = Array.isArray(stages) && stages.length > 0;
  if (has('vus') && (typeof o.vus !== 'number' || !Number.isInteger(o.vus) || o.vus < 0)) problems.push(`vus: must be a non-negative integer, got ${JSON.stringify(o.vus)}`);
  if (has('iterations') && (typeof o.iterations !== 'number' || !Number.isInteger(o.iterations) || o.iterations < 0)) problems.push(`iterations: must be a non-negative integer, got ${JSON.stringify(o.iterations)}`);
  if (has('stages') && !Array.isArray(stages)) problems.push('stages: must be an array of { duration, target }');
  if (has('scenarios') && (typeof o.scenarios !== 'object' || Array.isArray(o.scenarios))) {
    problems.push('scenarios: must be an object of name -> scenario');
    return {};
  }
  const scenarios = o.scenarios as Record<string, Record<string, unknown>> | undefined;
  const vus = o.vus;
  if (has('iterations')) {
    if (hasStages) problems.push('iterations: using multiple execution config shortcuts (`iterations` and `stages`) simultaneously is not allowed');
    if (scenarios) problems.push('iterations: using an execution configuration shortcut (`iterations`) and `scenarios` simultaneously is not allowed');
    return { default: { executor: 'shared-iterations', vus, iterations: o.iterations, ...(has('duration') ? { maxDuration: o.duration } : {}) } };
  }
  if (has('duration')) {
    if (hasStages) problems.push('duration: using multiple execution config shortcuts (`duration` and `stages`) simultaneously is not allowed');
    if (scenarios) problems.push('duration: using an execution configuration shortcut (`duration`) and `scenarios` simultaneously is not allowed');
    const d = parseDuration(o.duration);
    if (!d.ok) {
      problems.push(`duration: ${d.error}`);
      return {};
    }
    if (d.ms <= 0) {
      problems.push('duration: `duration` option should be more than 0, for infinite duration use the externally-controlled executor');
      return {};
    }
    return { default: { executor: 'constant-vus', vus, duration: o.duration } };
  }
  if (hasStages) {
    if (scenarios) problems.push('stages: using an execution configuration shortcut (`stages`) and `scenarios` simultaneously is not allowed');
    return { default: { executor: 'ramping-vus', startVUs: vus, stages } };
  }
  if (scenarios && Object.keys(scenarios).length > 0) {
    if (has('vus')) warnings.push('the `vus` option is ignored when `scenarios` are defined; set vus in each scenario');
    return scenarios;
  }
  if (Array.isArray(stages)) warnings.push('`stages` was explicitly set to an empty value, running the script with 1 iteration in 1 VU');
  if (scenarios) warnings.push('`scenarios` was explicitly set to an empty value, running the script with 1 iteration in 1 VU');
  return { default: { executor: 'per-vu-iterations' } };
}

function parseScenario(name: string, raw: unknown, registry: ExecutorRegistry, problems: string[]): BaseScenarioConfig | null {
  const path = `scenarios.${name}`;
  if (!SCENARIO_NAME.test(name)) problems.push(`${path}: the scenario name should contain only numbers, latin letters, underscores, and dashes`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${path}: must be an object with an executor`);
    return null;
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.executor !== 'string' || !r.executor) {
    problems.push(`${path}.executor: is required; valid: ${registry.keys().join(', ')}`);
    return null;
  }
  if (!registry.has(r.executor)) {
    problems.push(`${path}.executor: ${registry.unknownMessage(r.executor)}`);
    return null;
  }
  const before = problems.length;
  const exec = r.exec;
  if (exec !== undefined && (typeof exec !== 'string' || exec === '')) problems.push(`${path}.exec: exec value can't be empty`);
  const base: BaseScenarioConfig = {
    name,
    executor: r.executor,
    startTime: dur(r.startTime, 0, `${path}.startTime`, problems),
    gracefulStop: dur(r.gracefulStop, 30_000, `${path}.gracefulStop`, problems),
    exec: typeof exec === 'string' && exec ? exec : 'default',
    execExplicit: typeof exec === 'string' && exec !== '',
    env: stringMap(r.env, `${path}.env`, problems),
    tags: stringMap(r.tags, `${path}.tags`, problems),
  };
  const cfg = registry.get(r.executor).parse(r, base, path, problems);
  return problems.length === before ? cfg : null;
}

function normaliseThresholds(v: unknown, problems: string[]): Record<string, unknown[]> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    problems.push('thresholds: must be an object of metric -> list of expressions');
    return {};
  }
  const out: Record<string, unknown[]> = {};
  for (const [k, t] of Object.entries(v as Record<string, unknown>)) {
    out[k] = Array.isArray(t) ? t : [t];
  }
  return out;
}

function dur(v: unknown, def: number, path: string, problems: string[]): number {
  if (v === undefined || v === null || v === '') return def;
  const r = parseDuration(v);
  if (!r.ok) {
    problems.push(`${path}: ${r.error}`);
    return def;
  }
  if (r.ms < 0) problems.push(`${path}: can't be negative`);
  return r.ms;
}

function int(v: unknown, def: number, path: string, problems: string[]): number {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    problems.push(`${path}: must be a non-negative integer, got ${JSON.stringify(v)}`);
    return def;
  }
  return v;
}

function stringMap(v: unknown, path: string, problems: string[]): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    problems.push(`${path}: must be an object of string values`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    else problems.push(`${path}.${k}: must be a string`);
  }
  return out;
}

function strList(v: unknown, def: string[], path: string, problems: string[]): string[] {
  if (v === undefined || v === null) return [...def];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    problems.push(`${path}: must be a list of strings`);
    return [...def];
  }
  return v as string[];
}
