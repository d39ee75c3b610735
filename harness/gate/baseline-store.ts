import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidConfigError } from '../errors';
import type { RunProfile } from './run-profile';

/** `<reportsDir>/baselines/<name>/`: one `<run-id>.json` per saved run (committed; several runs describe the noise). */
export function baselineDir(cwd: string, reportsDir: string, name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new InvalidConfigError(`invalid baseline name ${JSON.stringify(name)}`, [], { hint: 'letters, digits, ".", "_" and "-" (e.g. main)' });
  return join(resolve(cwd, reportsDir), 'baselines', name);
}

/** Stores a run's profile under the baseline; the same run saved again replaces its file. Returns the file. */
export async function saveBaselineRun(dir: string, profile: RunProfile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${profile.runId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  // one series per line: small, and a reviewable diff when a baseline is re-recorded
  const { series, ...head } = profile;
  await writeFile(file, `{${JSON.stringify(head).slice(1, -1)},"series":[\n${series.map((s) => JSON.stringify(s)).join(',\n')}\n]}\n`);
  return file;
}

/** Every run saved under the baseline, oldest first; InvalidConfigError when there is none. */
export async function loadBaseline(dir: string, name: string): Promise<RunProfile[]> {
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.json')).sort() : [];
  if (files.length === 0) throw new InvalidConfigError(`no baseline "${name}" (${dir} holds no saved runs)`, [], { hint: `record one: harness baseline save latest --name ${name}` });
  const out: RunProfile[] = [];
  for (const f of files) {
    const p = JSON.parse(await readFile(join(dir, f), 'utf8')) as RunProfile;
    if (p.version !== 1 || !Array.isArray(p.series)) throw new InvalidConfigError(`${join(dir, f)}: not a baseline run (version ${JSON.stringify(p.version)})`, [], { hint: 're-record it with harness baseline save' });
    out.push(p);
  }
  return out;
}

/**
 * Keeps the newest `keep` runs of the baseline (run ids start with their UTC start time, so the
 * file names sort oldest first) and deletes the rest: a rolling baseline of recent runs follows
 * a CI machine's slow drift instead of judging today's runs by last month's noise. Returns the
 * deleted files.
 */
export async function trimBaseline(dir: string, keep: number): Promise<string[]> {
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.json')).sort() : [];
  const drop = files.slice(0, Math.max(0, files.length - keep)).map((f) => join(dir, f));
  for (const f of drop) await rm(f, { force: true });
  return drop;
}
