import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, writeFile, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join, resolve } from 'node:path';
import { TARGET_FILE } from '../../vocabulary';

/**
 * `reports/runs/<run-id>/`, everything a run leaves behind:
 *
 *   run.json        what ran: run id, scenario, runtime, engine, target URL, times, verdict
 *   config.json     the resolved configuration (secrets redacted)
 *   seed            the seed, one line
 *   script.js       the compiled scenario
 *   thresholds.json the thresholds script.js declares as literals, with abortOnFail (k6's object form)
 *   samples.ndjson  the k6 `--out json` stream while the run goes on; gzip-compressed into
 *                   samples.ndjson.gz when it is over (vocabulary readSamples reads either)
 *   target.ndjson   the target's side, one scrape a second (harness/target-sampling); gzip-compressed
 *                   into target.ndjson.gz when it is over (vocabulary readTargetRecords reads either)
 *   summary.json    the `--summary-export` / handleSummary data; computed from the stream by the
 *                   run when the engine's summary was disabled (run.json `summaryNote`)
 *   exit-code       the exit code, one line
 *   pids.json       processes started for the run (read by `harness reap`)
 *   logs/<component>.log
 */
export class RunDirectory {
  constructor(
    readonly root: string,
    readonly runId: string,
  ) {}
  get path(): string {
    return join(this.root, this.runId);
  }
  get runJson() {
    return join(this.path, 'run.json');
  }
  get configJson() {
    return join(this.path, 'config.json');
  }
  get seedFile() {
    return join(this.path, 'seed');
  }
  get script() {
    return join(this.path, 'script.js');
  }
  get thresholdsJson() {
    return join(this.path, 'thresholds.json');
  }
  get samples() {
    return join(this.path, 'samples.ndjson');
  }
  /** Where the stream is kept once the run is over (`compressSamples`). */
  get samplesGz() {
    return `${this.samples}.gz`;
  }
  get target() {
    return join(this.path, TARGET_FILE);
  }
  get summary() {
    return join(this.path, 'summary.json');
  }
  get exitCodeFile() {
    return join(this.path, 'exit-code');
  }
  get pids() {
    return join(this.path, 'pids.json');
  }
  get logs() {
    return join(this.path, 'logs');
  }
  log(component: string): string {
    return join(this.logs, `${component}.log`);
  }

  async create(): Promise<this> {
    await mkdir(this.logs, { recursive: true });
    return this;
  }
  async writeJson(file: string, value: unknown): Promise<void> {
    await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  }
  /**
   * samples.ndjson → samples.ndjson.gz (as k6's `--out json=file.gz`), streaming: the run's
   * biggest file shrinks 20-30 times. Written beside and renamed, so a crash leaves one
   * complete file or the other. Returns whether there was a stream to compress.
   */
  async compressSamples(): Promise<boolean> {
    return compress(this.samples);
  }
  /** target.ndjson → target.ndjson.gz, the same way. */
  async compressTarget(): Promise<boolean> {
    return compress(this.target);
  }
  async writeSeed(seed: number): Promise<void> {
    await writeFile(this.seedFile, `${seed}\n`);
  }
  async writeExitCode(code: number): Promise<void> {
    await writeFile(this.exitCodeFile, `${code}\n`);
  }
}

/** `file` → `file.gz`, written beside and renamed; false when there is no `file`. */
async function compress(file: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const part = `${file}.gz.part`;
  await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(part));
  await rename(part, `${file}.gz`);
  await rm(file, { force: true });
  return true;
}

/** `<reportsDir>/runs`, with a relative reportsDir taken from `cwd` (an absolute one stays as is). */
export function runsRoot(cwd: string, reportsDir = 'reports'): string {
  return resolve(cwd, reportsDir, 'runs');
}

/** Run ids present under `root`, oldest first. */
export async function listRunIds(root: string): Promise<string[]> {
  try {
    const names = await readdir(root);
    const dirs: string[] = [];
    for (const n of names) if ((await stat(join(root, n))).isDirectory()) dirs.push(n);
    return dirs.sort();
  } catch {
    return [];
  }
}

export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
