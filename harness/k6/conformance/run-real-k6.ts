import { spawn } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { compileScenario } from '../../build/compile-scenario';
import { readRun, SCRIPTS_DIR, type ScriptRun } from './run-script';

/**
 * Runs a conformance script through the real k6 binary with the same flags as `runScript` gives
 * the built-in engine (`--out json=points.ndjson --summary-export summary.json`, cwd a temp dir),
 * so the two runs can be compared field by field. A `.ts` script is bundled first, as `harness run
 * --engine k6` does (k6 v0.48 runs JavaScript only). Usage reports are off: nothing leaves 127.0.0.1.
 */
export async function runScriptWithK6(
  k6: string,
  script: string,
  opts: { flags?: string[]; env?: Record<string, string>; interruptWhen?: Promise<unknown>; keepDir?: boolean } = {},
): Promise<ScriptRun> {
  const dir = await mkdtemp(join(tmpdir(), 'k6-real-'));
  let path = script.startsWith('/') ? script : join(SCRIPTS_DIR, script);
  if (/\.ts$/.test(path)) {
    const { bundlePath } = await compileScenario(path, { outDir: dir, cwd: dirname(path), typeCheck: false, cache: false });
    // `open()` paths are relative to the script: bring the data files along.
    if (basename(path) === 'modules.ts') await copyFile(join(dirname(path), 'data.json'), join(dir, 'data.json'));
    path = bundlePath;
  }
  const args = ['run', '--no-usage-report', '--out', 'json=points.ndjson', '--summary-export', 'summary.json', ...(opts.flags ?? []), path];
  const child = spawn(k6, args, {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, K6_NO_USAGE_REPORT: 'true', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const t0 = performance.now();
  void opts.interruptWhen?.then(() => {
    if (child.exitCode === null) child.kill('SIGINT');
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  clearTimeout(kill);
  return readRun({ dir, code, stdout, stderr, ms: performance.now() - t0, keepDir: opts.keepDir });
}
