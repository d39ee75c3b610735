import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseThresholdsConfig, TARGET_FILE } from '../../vocabulary';
import type { KnownThresholds } from './report-builder';
import type { ReportMeta, ThresholdRow, TimeWindow } from './report-data';

/** The files of a run directory a report reads (names as harness/run's RunDirectory writes them). */
export const RUN_FILES = {
  run: 'run.json',
  config: 'config.json',
  summary: 'summary.json',
  samples: 'samples.ndjson',
  journal: 'chaos-journal.jsonl',
  target: TARGET_FILE,
  /** The scenario's own thresholds as the harness compiled them (`{ key: [{ threshold, abortOnFail }] }`). */
  thresholds: 'thresholds.json',
} as const;

/** The run's sample stream: `samples.ndjson`, else `samples.ndjson.gz` (read decompressing), or undefined when the run wrote none. */
export function samplesFileOf(runDir: string): string | undefined {
  for (const f of [join(runDir, RUN_FILES.samples), join(runDir, `${RUN_FILES.samples}.gz`)]) if (existsSync(f)) return f;
  return undefined;
}

/** The target's side: `target.ndjson`, else `target.ndjson.gz`, or undefined when the target was not sampled. */
export function targetFileOf(runDir: string): string | undefined {
  for (const f of [join(runDir, RUN_FILES.target), join(runDir, `${RUN_FILES.target}.gz`)]) if (existsSync(f)) return f;
  return undefined;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8'));
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface RunDirFacts {
  info: Record<string, unknown>;
  config?: Record<string, unknown>;
  summary?: Record<string, unknown>;
  /** thresholds.json: the scenario's literal thresholds as compiled (absent in older run directories). */
  declared?: Record<string, unknown>;
}

export async function readRunDirFacts(runDir: string, infoOverride?: Record<string, unknown>): Promise<RunDirFacts> {
  const info = { ...((await readJson(join(runDir, RUN_FILES.run))) ?? {}), ...infoOverride };
  return { info, config: await readJson(join(runDir, RUN_FILES.config)), summary: await readJson(join(runDir, RUN_FILES.summary)), declared: await readJson(join(runDir, RUN_FILES.thresholds)) };
}

/**
 * The thresholds a report knows before reading the stream: summary.json's (with k6's verdicts,
 * submetrics included) joined with thresholds.json's (the scenario's own definitions, parsed by
 * the vocabulary), which give every row its abortOnFail, submetrics too.
 */
export function knownThresholds(f: Pick<RunDirFacts, 'summary' | 'declared'>): KnownThresholds {
  const out = summaryThresholds(f.summary);
  for (const e of parseThresholdsConfig(f.declared).config.entries) {
    const sources = out.get(e.key) ?? new Map<string, { failed?: boolean; abortOnFail?: boolean }>();
    for (const t of e.thresholds) sources.set(t.source, { ...sources.get(t.source), abortOnFail: t.abortOnFail });
    out.set(e.key, sources);
  }
  return out;
}

/** summary.json's `metrics[key].thresholds` (`{ source: failed }`, as k6's --summary-export). */
export function summaryThresholds(summary: Record<string, unknown> | undefined): KnownThresholds {
  const out: KnownThresholds = new Map();
  const metrics = summary?.metrics as Record<string, { thresholds?: Record<string, unknown> }> | undefined;
  for (const [key, m] of Object.entries(metrics ?? {})) {
    if (!m?.thresholds || typeof m.thresholds !== 'object') continue;
    const sources = new Map<string, { failed?: boolean }>();
    for (const [source, v] of Object.entries(m.thresholds)) sources.set(source, { failed: typeof v === 'boolean' ? v : typeof v === 'object' && v !== null && 'ok' in v ? !(v as { ok: boolean }).ok : undefined });
    out.set(key, sources);
  }
  return out;
}

/** k6's test run duration from summary.json (`state.testRunDurationMs`), for counter rates. */
export function summaryDurationMs(summary: Record<string, unknown> | undefined): number | undefined {
  const d = (summary?.state as { testRunDurationMs?: unknown } | undefined)?.testRunDurationMs;
  return typeof d === 'number' ? d : undefined;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Metadata and the reproducing command from run.json and config.json. */
export function reportMeta(f: RunDirFacts): ReportMeta {
  const i = f.info;
  const run = (f.config?.run ?? {}) as Record<string, unknown>;
  const startedAt = str(i.startedAt);
  const finishedAt = str(i.finishedAt);
  const exitCode = num(i.exitCode);
  const kind = str(i.kind) ?? 'run';
  return {
    runId: str(i.runId) ?? '',
    kind,
    scenario: str(i.scenario),
    experiment: str(i.experiment),
    seed: num(i.seed),
    engine: str(i.engine),
    engineVersion: str(i.engineVersion),
    runtime: str(i.runtime),
    gitCommit: str(i.gitCommit),
    machine: str(i.machine),
    startedAt,
    finishedAt,
    durationMs: startedAt && finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : undefined,
    exitCode,
    verdict: str(i.verdict) ?? (exitCode === undefined ? undefined : VERDICTS[exitCode] ?? `exit ${exitCode}`),
    command: reproduce(kind, i, run),
    summaryNote: str(i.summaryNote),
  };
}

const VERDICTS: Record<number, string> = { 0: 'passed', 99: 'thresholds crossed', 104: 'invalid configuration', 105: 'interrupted', 110: 'infrastructure failure', 111: 'harness bug' };

function reproduce(kind: string, i: Record<string, unknown>, run: Record<string, unknown>): string {
  const q = (s: string) => (/^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['harness'];
  if (kind === 'chaos') parts.push('chaos', q(str(i.experiment) ?? '?'));
  else parts.push('run', q(str(i.scenarioPath) && !str(i.scenario) ? String(i.scenarioPath) : (str(i.scenario) ?? '?')));
  const seed = num(i.seed);
  if (seed !== undefined) parts.push('--seed', String(seed));
  const runtime = str(i.runtime);
  if (runtime) parts.push('--runtime', runtime);
  if (runtime === 'external' && str(i.targetUrl)) parts.push('--target-url', q(String(i.targetUrl)));
  const engine = str(i.engine);
  if (engine) parts.push('--engine', engine);
  const duration = str(i.duration) ?? str(run.duration);
  if (duration) parts.push('--duration', duration);
  if (kind !== 'chaos') {
    if (num(run.vus) !== undefined) parts.push('--vus', String(run.vus));
    for (const [k, v] of Object.entries((run.env ?? {}) as Record<string, unknown>)) parts.push('--env', q(`${k}=${v}`));
    for (const [k, v] of Object.entries((run.tags ?? {}) as Record<string, unknown>)) parts.push('--tag', q(`${k}=${v}`));
  }
  return parts.join(' ');
}

/**
 * A chaos experiment's hypothesis thresholds as chaos judged them (`chaos-result-<name>.json`:
 * over the phase-tagged samples, which the k6 stream does not carry), shown beside the scenario's.
 */
export async function readChaosThresholds(runDir: string): Promise<ThresholdRow[]> {
  let names: string[];
  try {
    names = (await readdir(runDir)).filter((n) => /^chaos-result-.+\.json$/.test(n)).sort();
  } catch {
    return [];
  }
  const rows: ThresholdRow[] = [];
  for (const n of names) {
    const r = await readJson(join(runDir, n));
    for (const t of (Array.isArray(r?.thresholds) ? r.thresholds : []) as Array<Record<string, unknown>>) {
      if (typeof t.key !== 'string' || typeof t.threshold !== 'string') continue;
      const value = typeof t.actual === 'number' && Number.isFinite(t.actual) ? t.actual : null;
      rows.push({ key: t.key, source: t.threshold, abortOnFail: false, value, ok: t.ok === true, origin: 'chaos', note: value === null ? 'not evaluated' : undefined });
    }
  }
  return rows;
}

/**
 * Fault windows (`inject` → `restored` of a fault) and phases (baseline: load start → first
 * fault; recovery: last restore → load stop) from `chaos-journal.jsonl`, in epoch ms. A fault
 * never restored (a crash) ends where the journal ends.
 */
export async function readChaosWindows(runDir: string): Promise<TimeWindow[]> {
  let text: string;
  try {
    text = await readFile(join(runDir, RUN_FILES.journal), 'utf8');
  } catch {
    return [];
  }
  const events: Array<{ event: string; at: number; fault?: string }> = [];
  for (const line of text.split('\n')) {
    try {
      const e = JSON.parse(line) as { event?: unknown; at?: unknown; fault?: unknown };
      const at = typeof e.at === 'string' ? Date.parse(e.at) : Number.NaN;
      if (typeof e.event === 'string' && Number.isFinite(at)) events.push({ event: e.event, at, fault: typeof e.fault === 'string' ? e.fault : undefined });
    } catch {
      // a line cut short by a crash
    }
  }
  if (!events.length) return [];
  const end = events[events.length - 1].at;
  const windows: TimeWindow[] = [];
  const open = new Map<string, number>();
  for (const e of events) {
    if (e.event === 'inject' && e.fault) open.set(e.fault, e.at);
    if (e.event === 'restored' && e.fault && open.has(e.fault)) {
      windows.push({ kind: 'fault', name: e.fault, start: open.get(e.fault)!, end: e.at });
      open.delete(e.fault);
    }
  }
  for (const [name, start] of open) windows.push({ kind: 'fault', name, start, end });
  const loadStart = events.find((e) => e.event === 'load-started')?.at;
  const loadStop = events.find((e) => e.event === 'load-stopped')?.at ?? end;
  const faults = windows.filter((w) => w.kind === 'fault');
  if (loadStart !== undefined && faults.length) {
    const first = Math.min(...faults.map((w) => w.start));
    const last = Math.max(...faults.map((w) => w.end));
    if (first > loadStart) windows.push({ kind: 'phase', name: 'baseline', start: loadStart, end: first });
    if (loadStop > last) windows.push({ kind: 'phase', name: 'recovery', start: last, end: loadStop });
  }
  return windows.sort((a, b) => a.start - b.start);
}
