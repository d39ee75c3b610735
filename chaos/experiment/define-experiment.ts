import { InvalidConfigError } from '../../harness/errors';
import { nonNegativeDurationMs as parseDuration, parseSubmetricSelector, parseThresholdsConfig, validateMetricKey } from '../../vocabulary';
import { recoveryWindowProblems } from './schedule';
import { isNetworkFault, type ExperimentDefinition } from './types';
import { builtinToxics } from '../toxiproxy-server/toxics';

/** Every problem in a definition, each with its dot-path (empty = valid). */
export function validateExperiment(def: ExperimentDefinition): string[] {
  const problems: string[] = [];
  const dur = (path: string, v: string | undefined, required = true) => {
    if (v === undefined) {
      if (required) problems.push(`${path}: required`);
      return;
    }
    if (parseDuration(v) === undefined) problems.push(`${path}: "${v}" is not a duration (e.g. 500ms, 5s, 1m)`);
  };
  if (!/^[a-z0-9][a-z0-9-]*$/.test(def.name ?? '')) problems.push(`name: must be kebab-case, got "${def.name}"`);
  if (!def.description) problems.push('description: required');
  if (!def.scenario) problems.push('scenario: required');
  dur('duration', def.duration);
  const total = parseDuration(def.duration ?? '') ?? Infinity;
  const toxics = builtinToxics();
  (def.method ?? []).forEach((s, i) => {
    const p = `method[${i}]`;
    dur(`${p}.at`, s.at);
    dur(`${p}.jitter`, s.jitter, false);
    if (isNetworkFault(s)) {
      dur(`${p}.duration`, s.duration);
      if (s.link !== 'client->gateway' && s.link !== 'gateway->redis') problems.push(`${p}.link: must be client->gateway or gateway->redis`);
      if (!('partition' in s.toxic)) {
        const t = toxics.get(s.toxic.type);
        if (!t) problems.push(`${p}.toxic.type: unknown toxic "${s.toxic.type}"; valid: ${toxics.keys().join(', ')}`);
        else {
          for (const k of Object.keys(s.toxic.attributes ?? {})) {
            if (!(k in t.defaults)) problems.push(`${p}.toxic.attributes.${k}: not an attribute of ${t.type}; valid: ${Object.keys(t.defaults).join(', ')}`);
          }
        }
        const tox = s.toxic.toxicity;
        if (tox !== undefined && !(tox >= 0 && tox <= 1)) problems.push(`${p}.toxic.toxicity: must be 0..1`);
      }
    } else {
      if (s.action !== 'kill' && s.action !== 'restart') problems.push(`${p}.action: must be kill or restart`);
      if (s.component !== 'worker' && s.component !== 'gateway') problems.push(`${p}.component: must be worker or gateway`);
      dur(`${p}.duration`, s.duration, false);
    }
    const end = (parseDuration(s.at) ?? 0) + (parseDuration(('duration' in s && s.duration) || '0') ?? 0);
    if (end > total) problems.push(`${p}: ends at ${end} ms, after the experiment's duration (${def.duration})`);
  });
  if (!def.method?.length) problems.push('method: at least one step');
  // k6's grammar (vocabulary/thresholds): keys as `metric{tag:value,...}`, expressions in full
  for (const key of Object.keys(def.hypothesis?.thresholds ?? {})) {
    const k = validateMetricKey(key);
    if (!k.ok) problems.push(`hypothesis.thresholds[${JSON.stringify(key)}]: ${k.error}`);
    else if (k.key.suffix !== undefined) {
      try {
        parseSubmetricSelector(k.key.metric, k.key.suffix);
      } catch (e) {
        problems.push(`hypothesis.thresholds[${JSON.stringify(key)}]: ${(e as Error).message}`);
      }
    }
  }
  for (const p of parseThresholdsConfig(def.hypothesis?.thresholds ?? {}).problems) problems.push(`hypothesis.${p}`);
  const slo = def.hypothesis?.errorRateSlo;
  if (slo !== undefined && !(slo >= 0 && slo <= 1)) problems.push('hypothesis.errorRateSlo: must be 0..1');
  dur('verify.recoveryWithin', def.verify?.recoveryWithin, false);
  // Only once the timings parse: every fault must leave the target its recovery window.
  if (!problems.length) problems.push(...recoveryWindowProblems(def));
  return problems;
}

/** Declares an experiment; invalid definitions throw with every problem listed (exit 104). */
export function defineExperiment<T extends ExperimentDefinition>(def: T): T {
  const problems = validateExperiment(def);
  if (problems.length) throw new InvalidConfigError(`invalid experiment "${def.name}"`, problems);
  return Object.freeze(def);
}
