import { formatDuration, parseDuration, validateMetricKey } from '../../vocabulary';
import { InvalidConfigError } from '../errors';
import { readComposeImages } from './compose-images';
import {
  ENGINE_CHOICES,
  GATE_DEFAULTS,
  GATE_SERIES_TOLERANCES,
  OUTPUT_CHOICES,
  RUNTIME_CHOICES,
  TOXIPROXY_CHOICES,
  type HarnessConfig,
  type OutputName,
  type UserConfig,
} from './schema';

/** Command-line flags that map onto the config (all optional; yargs fills only what was given). */
export interface ConfigFlags {
  runtime?: string;
  targetUrl?: string;
  engine?: string;
  vus?: number | string;
  duration?: string;
  env?: string[];
  tag?: string[];
  out?: string[];
  keepUp?: boolean;
  seed?: number | string;
  /** `--runners N|auto` */
  runners?: number | string;
  toxiproxy?: string;
}

export interface ResolveInput {
  cwd: string;
  env: Record<string, string | undefined>;
  file?: UserConfig;
  flags?: ConfigFlags;
}

export interface ResolvedConfig {
  config: HarnessConfig;
  warnings: string[];
}

/**
 * The InfluxDB token of the local stack (`harness up --observability`, `docker compose --profile
 * observability`) when HARNESS_INFLUXDB_TOKEN is unset: compose.yml's default, public and
 * documented (docs/influxdb.md), so it is the token `--out influxdb` sends to a loopback URL
 * when none is set, and the one value of a token that may be printed.
 */
export const LOCAL_INFLUX_TOKEN = 'harness-local-token';

/** Fallbacks when compose.yml cannot be read (kept in step with compose.yml by a test). */
export const FALLBACK_IMAGES = {
  redis: 'redis:7.2-alpine',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.4.0',
  influxdb: 'influxdb:2.7-alpine',
  grafana: 'grafana/grafana:10.4.2',
  target: 'telemetryhub-target:local',
};

export function defaults(cwd: string): HarnessConfig {
  const compose = readComposeImages(cwd);
  return {
    runtime: { name: 'auto', readyTimeoutMs: 30_000, pullStallTimeoutMs: 10_000 },
    engine: 'auto',
    toxiproxy: { server: 'auto' },
    images: {
      redis: compose.redis ?? FALLBACK_IMAGES.redis,
      toxiproxy: compose.toxiproxy ?? FALLBACK_IMAGES.toxiproxy,
      influxdb: compose.influxdb ?? FALLBACK_IMAGES.influxdb,
      grafana: compose.grafana ?? FALLBACK_IMAGES.grafana,
      target: compose.gateway ?? FALLBACK_IMAGES.target,
      base: compose.base,
    },
    ports: { gateway: 8080, toxiproxyApi: 8474, redis: 6379, influxdb: 8086, grafana: 3000 },
    influxdb: { url: 'http://127.0.0.1:8086', org: 'harness', bucket: 'k6', shape: 'rollup', dropTags: ['vu', 'iter', 'url'], sampleTarget: true },
    reportsDir: 'reports',
    run: { outputs: ['json'], keepUp: false, env: {}, tags: {} },
    gateway: { env: {} },
    worker: { env: {} },
    gate: { ...GATE_DEFAULTS, latencyMetrics: [...GATE_DEFAULTS.latencyMetrics], percentiles: [...GATE_DEFAULTS.percentiles], series: {}, optionalThresholds: [] },
  };
}

/**
 * The one place precedence is decided: defaults < harness.config.ts < HARNESS_* env < flags.
 * Every problem (from any layer) is collected and thrown together as one InvalidConfigError
 * with dot-paths, so a user fixes them all in one go.
 */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const c = defaults(input.cwd);
  const file = input.file ?? {};
  const env = input.env;
  const flags = input.flags ?? {};

  // --- config file -------------------------------------------------------------------------
  const known = new Set(Object.keys(c));
  for (const k of Object.keys(file)) if (!known.has(k)) problems.push(`${k}: unknown key in harness.config (valid: ${[...known].join(', ')})`);
  if ('token' in ((file as { influxdb?: object }).influxdb ?? {})) {
    problems.push('influxdb.token: must not be in the config file; set INFLUX_TOKEN (or HARNESS_INFLUXDB_TOKEN) in the environment');
  }
  if ('token' in ((file as { toxiproxy?: object }).toxiproxy ?? {})) {
    problems.push('toxiproxy.token: must not be in the config file; set HARNESS_TOXIPROXY_TOKEN in the environment');
  }
  mergeInto(c.runtime, file.runtime, 'runtime', problems);
  if (file.engine !== undefined) c.engine = file.engine as HarnessConfig['engine'];
  mergeInto(c.toxiproxy, file.toxiproxy, 'toxiproxy', problems);
  mergeInto(c.images, file.images, 'images', problems);
  mergeInto(c.ports, file.ports, 'ports', problems);
  mergeInto(c.influxdb, file.influxdb, 'influxdb', problems);
  if (file.reportsDir !== undefined) c.reportsDir = file.reportsDir;
  if (file.run) {
    const { env: runEnv, tags, ...rest } = file.run;
    mergeInto(c.run, rest, 'run', problems, ['vus', 'duration', 'seed', 'runners']);
    if (runEnv) c.run.env = { ...c.run.env, ...(runEnv as Record<string, string>) };
    if (tags) c.run.tags = { ...c.run.tags, ...(tags as Record<string, string>) };
  }
  mergeInto(c.gate, file.gate, 'gate', problems);
  if (file.gateway?.env) c.gateway.env = { ...(file.gateway.env as Record<string, string>) };
  if (file.worker?.env) c.worker.env = { ...(file.worker.env as Record<string, string>) };

  // --- environment -------------------------------------------------------------------------
  const e = (k: string) => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  if (e('HARNESS_RUNTIME')) c.runtime.name = e('HARNESS_RUNTIME') as HarnessConfig['runtime']['name'];
  if (e('HARNESS_TARGET_URL')) c.runtime.targetUrl = e('HARNESS_TARGET_URL');
  if (e('HARNESS_READY_TIMEOUT_MS')) c.runtime.readyTimeoutMs = num(e('HARNESS_READY_TIMEOUT_MS')!, 'HARNESS_READY_TIMEOUT_MS', problems);
  if (e('HARNESS_ENGINE')) c.engine = e('HARNESS_ENGINE') as HarnessConfig['engine'];
  if (e('HARNESS_TOXIPROXY')) c.toxiproxy.server = e('HARNESS_TOXIPROXY') as HarnessConfig['toxiproxy']['server'];
  if (e('HARNESS_TOXIPROXY_TOKEN')) c.toxiproxy.token = e('HARNESS_TOXIPROXY_TOKEN');
  if (e('HARNESS_REPORTS_DIR')) c.reportsDir = e('HARNESS_REPORTS_DIR')!;
  if (e('HARNESS_VUS')) c.run.vus = num(e('HARNESS_VUS')!, 'HARNESS_VUS', problems);
  if (e('HARNESS_DURATION')) c.run.duration = e('HARNESS_DURATION');
  if (e('HARNESS_SEED')) c.run.seed = num(e('HARNESS_SEED')!, 'HARNESS_SEED', problems);
  if (e('HARNESS_RUNNERS')) c.run.runners = runnersValue(e('HARNESS_RUNNERS')!, 'HARNESS_RUNNERS', problems);
  if (e('HARNESS_OUT')) c.run.outputs = e('HARNESS_OUT')!.split(',').map((s) => s.trim()) as OutputName[];
  // the InfluxDB CLI's names; the HARNESS_INFLUXDB_* ones win when both are set
  for (const k of ['URL', 'ORG', 'BUCKET'] as const) {
    const v = e(`HARNESS_INFLUXDB_${k}`) ?? e(`INFLUX_${k}`);
    if (v) c.influxdb[k.toLowerCase() as 'url' | 'org' | 'bucket'] = v;
  }
  // the local stack publishes InfluxDB on ports.influxdb: the URL follows unless it was set
  if (file.influxdb?.url === undefined && !e('HARNESS_INFLUXDB_URL') && !e('INFLUX_URL')) c.influxdb.url = `http://127.0.0.1:${c.ports.influxdb}`;
  if (e('HARNESS_INFLUXDB_SHAPE')) c.influxdb.shape = e('HARNESS_INFLUXDB_SHAPE') as HarnessConfig['influxdb']['shape'];
  if (e('HARNESS_INFLUXDB_SAMPLE_TARGET')) c.influxdb.sampleTarget = !/^(0|false|no|off)$/i.test(e('HARNESS_INFLUXDB_SAMPLE_TARGET')!);
  if (env.HARNESS_INFLUXDB_DROP_TAGS !== undefined) c.influxdb.dropTags = env.HARNESS_INFLUXDB_DROP_TAGS.split(',').map((t) => t.trim()).filter(Boolean);
  const token = e('HARNESS_INFLUXDB_TOKEN') ?? e('INFLUX_TOKEN') ?? e('K6_INFLUXDB_TOKEN');
  if (token) c.influxdb.token = token;
  else if (isLoopbackUrl(c.influxdb.url)) c.influxdb.token = LOCAL_INFLUX_TOKEN;
  if (e('HARNESS_PULL_STALL_TIMEOUT_MS')) c.runtime.pullStallTimeoutMs = num(e('HARNESS_PULL_STALL_TIMEOUT_MS')!, 'HARNESS_PULL_STALL_TIMEOUT_MS', problems);

  // --- flags -------------------------------------------------------------------------------
  if (flags.runtime !== undefined) c.runtime.name = flags.runtime as HarnessConfig['runtime']['name'];
  if (flags.targetUrl !== undefined) c.runtime.targetUrl = flags.targetUrl;
  if (flags.engine !== undefined) c.engine = flags.engine as HarnessConfig['engine'];
  if (flags.toxiproxy !== undefined) c.toxiproxy.server = flags.toxiproxy as HarnessConfig['toxiproxy']['server'];
  if (flags.vus !== undefined) c.run.vus = num(String(flags.vus), '--vus', problems);
  if (flags.duration !== undefined) c.run.duration = flags.duration;
  if (flags.seed !== undefined) c.run.seed = num(String(flags.seed), '--seed', problems);
  if (flags.keepUp !== undefined) c.run.keepUp = flags.keepUp;
  if (flags.runners !== undefined) c.run.runners = runnersValue(String(flags.runners), '--runners', problems);
  if (flags.out?.length) c.run.outputs = flags.out.flatMap((o) => o.split(',')).map((s) => s.trim()) as OutputName[];
  if (flags.env?.length) c.run.env = { ...c.run.env, ...pairs(flags.env, '--env', problems) };
  if (flags.tag?.length) c.run.tags = { ...c.run.tags, ...pairs(flags.tag, '--tag', problems) };

  validate(c, problems, warnings);
  if (problems.length) {
    throw new InvalidConfigError('invalid configuration', problems, { hint: 'fix harness.config.ts, the HARNESS_* environment or the flags; see docs/cli.md' });
  }
  return { config: c, warnings };
}

function validate(c: HarnessConfig, problems: string[], warnings: string[]): void {
  oneOf(c.runtime.name, RUNTIME_CHOICES, 'runtime.name', problems);
  oneOf(c.engine, ENGINE_CHOICES, 'engine', problems);
  oneOf(c.toxiproxy.server, TOXIPROXY_CHOICES, 'toxiproxy.server', problems);
  posInt(c.runtime.readyTimeoutMs, 'runtime.readyTimeoutMs', problems);
  posInt(c.runtime.pullStallTimeoutMs, 'runtime.pullStallTimeoutMs', problems);
  if (c.runtime.targetUrl !== undefined) httpUrl(c.runtime.targetUrl, 'runtime.targetUrl', problems);
  if (c.runtime.name === 'external' && !c.runtime.targetUrl) problems.push('runtime.targetUrl: required with runtime external (--target-url URL)');
  for (const [k, v] of Object.entries(c.images)) if (v !== undefined && (typeof v !== 'string' || !v)) problems.push(`images.${k}: must be a non-empty image reference`);
  for (const [k, v] of Object.entries(c.ports)) if (!Number.isInteger(v) || v < 1 || v > 65535) problems.push(`ports.${k}: must be a port 1..65535, got ${JSON.stringify(v)}`);
  httpUrl(c.influxdb.url, 'influxdb.url', problems);
  oneOf(c.influxdb.shape, ['rollup', 'raw'], 'influxdb.shape', problems);
  if (typeof c.influxdb.sampleTarget !== 'boolean') problems.push('influxdb.sampleTarget: must be true or false');
  if (!Array.isArray(c.influxdb.dropTags) || c.influxdb.dropTags.some((t) => typeof t !== 'string')) problems.push('influxdb.dropTags: must be a list of tag names');
  if (typeof c.reportsDir !== 'string' || !c.reportsDir) problems.push('reportsDir: must be a non-empty path');
  if (c.run.vus !== undefined) posInt(c.run.vus, 'run.vus', problems);
  if (c.run.duration !== undefined) {
    const d = parseDuration(c.run.duration);
    if (!d.ok || d.ms <= 0) problems.push(`run.duration: "${c.run.duration}" is not a positive duration (e.g. 30s, 1m30s, 500ms; a bare number is milliseconds)`);
    else if (/^\s*[\d.]+\s*$/.test(String(c.run.duration))) warnings.push(`run.duration: "${c.run.duration}" is ${formatDuration(d.ms)} (a bare number is milliseconds, as in k6); write ${c.run.duration}s for seconds`);
  }
  if (c.run.runners !== undefined && c.run.runners !== 'auto' && (!Number.isInteger(c.run.runners) || c.run.runners < 1 || c.run.runners > 64)) {
    problems.push(`run.runners: must be an integer 1..64 or "auto", got ${JSON.stringify(c.run.runners)}`);
  }
  if (c.run.seed !== undefined && (!Number.isSafeInteger(c.run.seed) || c.run.seed < 0)) problems.push(`run.seed: must be a non-negative integer, got ${c.run.seed}`);
  if (!Array.isArray(c.run.outputs)) problems.push('run.outputs: must be a list');
  else for (const [i, o] of c.run.outputs.entries()) oneOf(o.split('=')[0], OUTPUT_CHOICES, `run.outputs[${i}]`, problems); // `json=PATH`: the key is checked here, the argument by the output
  for (const section of ['run.env', 'run.tags', 'gateway.env', 'worker.env'] as const) {
    const [a, b] = section.split('.') as [keyof HarnessConfig, string];
    const obj = (c[a] as unknown as Record<string, Record<string, unknown>>)[b];
    for (const [k, v] of Object.entries(obj)) if (typeof v !== 'string') problems.push(`${section}.${k}: must be a string, got ${JSON.stringify(v)}`);
  }
  for (const k of ['alpha', 'latencyTolerance', 'errorRateTolerance', 'throughputTolerance', 'checksTolerance', 'noiseFactor', 'busyMachineFactor'] as const) {
    const v = c.gate[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (k === 'alpha' && (v <= 0 || v >= 1))) problems.push(`gate.${k}: must be a number ${k === 'alpha' ? 'in (0, 1)' : '>= 0'}, got ${JSON.stringify(v)}`);
  }
  if (!Array.isArray(c.gate.percentiles) || c.gate.percentiles.some((p) => ![10, 50, 95, 99].includes(p))) problems.push(`gate.percentiles: a list of 10, 50, 95, 99, got ${JSON.stringify(c.gate.percentiles)}`);
  if (!Array.isArray(c.gate.optionalThresholds) || c.gate.optionalThresholds.some((m) => typeof m !== 'string')) problems.push('gate.optionalThresholds: must be a list of threshold keys (metric or metric{tag:value})');
  if (!Array.isArray(c.gate.latencyMetrics) || c.gate.latencyMetrics.some((m) => typeof m !== 'string')) problems.push('gate.latencyMetrics: must be a list of trend metric names');
  if (typeof c.gate.series !== 'object' || c.gate.series === null || Array.isArray(c.gate.series)) problems.push('gate.series: must be an object of metric keys (metric or metric{tag:value}) to tolerances');
  else {
    for (const [key, entry] of Object.entries(c.gate.series)) {
      const at = `gate.series[${JSON.stringify(key)}]`;
      const parsed = validateMetricKey(key);
      if (!parsed.ok) problems.push(`${at}: ${parsed.error}`);
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        problems.push(`${at}: must be an object ({ latencyTolerance: 0.2 }, ...)`);
        continue;
      }
      for (const [k, v] of Object.entries(entry)) {
        if (k === 'optional') {
          if (typeof v !== 'boolean') problems.push(`${at}.optional: must be true or false`);
        } else if (!(GATE_SERIES_TOLERANCES as readonly string[]).includes(k)) problems.push(`${at}.${k}: unknown key (valid: ${[...GATE_SERIES_TOLERANCES, 'optional'].join(', ')})`);
        else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${at}.${k}: must be a number >= 0, got ${JSON.stringify(v)}`);
      }
    }
  }
  if (c.runtime.name !== 'external' && c.runtime.targetUrl) warnings.push(`--target-url is ignored by runtime ${c.runtime.name}; the started stack's URL is used`);
}

function mergeInto(target: object, source: unknown, path: string, problems: string[], extraKeys: string[] = []): void {
  if (source === undefined) return;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  const t = target as Record<string, unknown>;
  for (const [k, v] of Object.entries(source)) {
    if (!(k in t) && !extraKeys.includes(k) && !['targetUrl', 'base', 'token'].includes(k)) {
      problems.push(`${path}.${k}: unknown key (valid: ${[...Object.keys(t), ...extraKeys].join(', ')})`);
      continue;
    }
    if (v !== undefined) t[k] = v;
  }
}

function num(s: string, path: string, problems: string[]): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s.trim()) || !Number.isSafeInteger(n)) {
    problems.push(`${path}: must be an integer, got "${s}"`);
    return NaN;
  }
  return n;
}

function posInt(v: number, path: string, problems: string[]): void {
  if (Number.isNaN(v)) return; // already reported
  if (!Number.isSafeInteger(v) || v < 1) problems.push(`${path}: must be a positive integer, got ${v}`);
}

function oneOf(v: string, valid: readonly string[], path: string, problems: string[]): void {
  if (!valid.includes(v)) problems.push(`${path}: "${v}" is not valid; valid: ${valid.join(', ')}`);
}

function httpUrl(v: string, path: string, problems: string[]): void {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`${path}: must be an http(s) URL, got "${v}"`);
  } catch {
    problems.push(`${path}: not a URL: "${v}"`);
  }
}

function pairs(list: string[], flag: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) {
      problems.push(`${flag} ${item}: must be KEY=VALUE`);
      continue;
    }
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

function isLoopbackUrl(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The config as written to `config.json` and printed: secrets replaced. */
export function redactConfig(c: HarnessConfig): HarnessConfig {
  const redact = (t?: string) => (t ? '<redacted>' : undefined);
  return { ...c, influxdb: { ...c.influxdb, token: redact(c.influxdb.token) }, toxiproxy: { ...c.toxiproxy, token: redact(c.toxiproxy.token) } };
}

/** `auto` or a number (validated with the rest in `validate`). */
function runnersValue(v: string, where: string, problems: string[]): number | 'auto' {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!/^\d+$/.test(v.trim())) problems.push(`${where}: must be an integer 1..64 or "auto", got "${v}"`);
  return n;
}
