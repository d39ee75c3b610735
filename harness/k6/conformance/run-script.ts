import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { IoContext } from '../../io';
import { runK6 } from '../cli/run-k6';
import { readSamples, type Sample } from '../../../vocabulary';

export const SCRIPTS_DIR = fileURLToPath(new URL('./scripts/', import.meta.url));
export const REFERENCE_DIR = fileURLToPath(new URL('./fixtures/k6-v0.48/', import.meta.url));

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
  samples: Sample[];
  /** Parsed --summary-export file (undefined if not written). */
  summary?: any;
  /** The tmp dir the run wrote into (cwd of the run). */
  dir: string;
  ms: number;
  /** Sum of values of `metric` over samples whose tags include `tags`. */
  sum(metric: string, tags?: Record<string, string>): number;
  count(metric: string, tags?: Record<string, string>): number;
  /**
   * When each completed iteration of `scenario` started, ascending: an `iteration_duration`
   * sample's time (the iteration's end) minus its value, in ms on the run's clock.
   */
  iterationStarts(scenario: string): number[];
}

/**
 * Runs `harness k6 run` in-process (runK6) on a script from scripts/ (or an absolute path), with
 * `--out json` and `--summary-export` into a temp dir and the given extra flags.
 */
export async function runScript(script: string, opts: { flags?: string[]; env?: Record<string, string>; signal?: AbortSignal; keepDir?: boolean } = {}): Promise<ScriptRun> {
  const dir = await mkdtemp(join(tmpdir(), 'k6-conf-'));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const ctx: IoContext = {
    cwd: dir,
    env: { PATH: process.env.PATH, ...opts.env },
    stdout,
    stderr,
    isTTY: false,
    signal: opts.signal ?? new AbortController().signal,
  };
  const path = script.startsWith('/') ? script : join(SCRIPTS_DIR, script);
  const t0 = performance.now();
  const code = await runK6(['run', '--out', 'json=points.ndjson', '--summary-export', 'summary.json', ...(opts.flags ?? []), path], ctx);
  const ms = performance.now() - t0;
  return readRun({ dir, code, stdout: out, stderr: err, ms, keepDir: opts.keepDir });
}

/**
 * What a run left in `dir` (`--out json=points.ndjson`, `--summary-export summary.json`), with
 * its exit code and output, as a ScriptRun; removes `dir` unless `keepDir`. Shared by the
 * built-in engine runner above and the real k6 runner (run-real-k6.ts).
 */
export async function readRun(r: { dir: string; code: number; stdout: string; stderr: string; ms: number; keepDir?: boolean }): Promise<ScriptRun> {
  const { dir } = r;
  const summaryText = await readFile(join(dir, 'summary.json'), 'utf8').catch(() => undefined);
  const samples: Sample[] = [];
  for await (const line of readSamples(join(dir, 'points.ndjson'))) if (line.type === 'Point') samples.push(line.sample);
  if (!r.keepDir) await rm(dir, { recursive: true, force: true });
  const match = (s: Sample, metric: string, tags?: Record<string, string>) => s.metric === metric && Object.entries(tags ?? {}).every(([k, v]) => s.tags[k] === v);
  return {
    code: r.code,
    stdout: r.stdout,
    stderr: r.stderr,
    samples,
    summary: summaryText ? JSON.parse(summaryText) : undefined,
    dir,
    ms: r.ms,
    sum: (m, t) => samples.filter((s) => match(s, m, t)).reduce((a, s) => a + s.value, 0),
    count: (m, t) => samples.filter((s) => match(s, m, t)).length,
    iterationStarts: (scenario) =>
      samples
        .filter((s) => match(s, 'iteration_duration', { scenario }))
        .map((s) => s.time - s.value)
        .sort((a, b) => a - b),
  };
}
