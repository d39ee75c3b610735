import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { InfraError, InvalidConfigError } from '../errors';
import { findExecutable } from './find-executable';
import { fitArgvToK6, k6ArgsProblems, k6CliFrom, k6Support, mapK6ExitCode, K6_SUPPORTED_RANGE, type K6Cli } from './k6-cli';
import { inspectK6Thresholds, runK6Process } from './k6-process';
import { k6RunArgv } from './k6-run-argv';
import type { Engine, EngineAvailability, EngineEnv, EngineResult, EngineRunArgs, EngineRunOptions } from './types';

/** The k6 version the harness's scenarios, types and reference outputs are pinned to. */
export const K6_REFERENCE_VERSION = 'v0.48.0';

/** What probing one binary found: its command line, or why it cannot be used. */
export type K6Probe = { ok: true; path: string; cli: K6Cli; found: string } | { ok: false; path?: string; reason: string; hint: string; cli?: K6Cli };

/**
 * The real k6 binary: `K6_BIN` when set, else `k6` on PATH. Any release from v0.48 to v2.x:
 * `k6 version` and `k6 run --help` are read once per binary (path, size, mtime) and `k6 run` gets
 * only the flags that binary lists (k6-cli.ts); its exit codes are mapped onto ours.
 */
export class K6Engine implements Engine {
  readonly key = 'k6';
  readonly description = `the real k6 binary (K6_BIN or k6 on PATH; ${K6_SUPPORTED_RANGE})`;
  #probes = new Map<string, Promise<K6Probe>>();

  async locate(env: EngineEnv): Promise<{ path?: string; reason: string }> {
    if (env.K6_BIN) {
      const path = await findExecutable(env.K6_BIN, env);
      return path ? { path, reason: `K6_BIN=${env.K6_BIN}` } : { reason: `K6_BIN=${env.K6_BIN} is not an executable file` };
    }
    const path = await findExecutable('k6', env);
    return path ? { path, reason: `k6 on PATH (${path})` } : { reason: 'k6 is not on PATH and K6_BIN is not set' };
  }

  /** Finds the binary and reads its version and `run` flags (cached while the file is unchanged). */
  async probe(env: EngineEnv): Promise<K6Probe> {
    const { path, reason } = await this.locate(env);
    const hint = `install k6 (${K6_SUPPORTED_RANGE}; https://grafana.com/docs/k6/latest/set-up/install-k6/) and put it on PATH or set K6_BIN; or use --engine builtin`;
    if (!path) return { ok: false, reason, hint };
    const st = await stat(path).catch(() => undefined);
    const key = `${path}\0${st?.size}\0${st?.mtimeMs}`;
    let p = this.#probes.get(key);
    if (!p) {
      p = probeBinary(path, reason, env, hint);
      this.#probes.set(key, p);
    }
    return p;
  }

  async available(env: EngineEnv): Promise<EngineAvailability> {
    const p = await this.probe(env);
    if (!p.ok) return { ok: false, path: p.path, version: p.cli?.version, reason: p.reason, hint: p.hint };
    return { ok: true, path: p.path, version: p.cli.version, reason: `${p.found}: k6 ${p.cli.version}, supported (${K6_SUPPORTED_RANGE})` };
  }

  async inspectThresholds(opts: Pick<EngineRunOptions, 'scriptPath' | 'args' | 'cwd' | 'env'>): Promise<unknown> {
    const { path } = await this.locate(opts.env);
    return path ? inspectK6Thresholds(path, [], opts) : undefined;
  }

  /** A pass-through flag this k6 lacks is a usage error (104) naming its version, never a silent drop. */
  async checkArgs(args: EngineRunArgs, env: EngineEnv): Promise<void> {
    const p = await this.probe(env);
    if (!p.ok) return; // run() reports the missing or unsupported binary (110)
    const problems = k6ArgsProblems(p.cli, args);
    if (problems.length) throw new InvalidConfigError(`the installed k6 cannot take what was asked: ${problems.join('; ')}`, [], { hint: `drop the flag, install a k6 that has it, or use --engine builtin` });
  }

  async run(opts: EngineRunOptions): Promise<EngineResult> {
    const p = await this.probe(opts.env);
    if (!p.ok) throw new InfraError(`k6 engine: ${p.reason}`, { hint: p.hint });
    await this.checkArgs(opts.args, opts.env);
    const argv = k6RunArgv(opts.scriptPath, opts.args);
    // k6's REST API is off unless asked for: the harness never uses it, and its fixed default port
    // (6565) makes a second k6 on the machine warn "address already in use"
    if (!argv.some((a) => a === '--address' || a.startsWith('--address=') || a === '-a')) argv.splice(1, 0, '--address', '');
    const fitted = fitArgvToK6(p.cli, argv);
    if (fitted.dropped.length) opts.stderr?.write(`harness: k6 ${p.cli.version} has no ${fitted.dropped.filter((a) => a.startsWith('--')).join(', ')}; not passed\n`);
    const result = await runK6Process(this.key, p.path, [], opts, fitted.argv);
    const mapped = mapK6ExitCode(result.exitCode);
    if (mapped.code !== result.exitCode || mapped.meaning) {
      opts.stderr?.write(`harness: k6 ${p.cli.version} exited ${result.exitCode} (${mapped.meaning ?? 'mapped'}): exit code ${mapped.code}\n`);
    }
    return { ...result, exitCode: mapped.code, engineExitCode: result.exitCode };
  }
}

async function probeBinary(path: string, found: string, env: EngineEnv, hint: string): Promise<K6Probe> {
  let versionText: string;
  let helpText: string;
  try {
    [versionText, helpText] = await Promise.all([execFileText(path, ['version'], env, 5000), execFileText(path, ['run', '--help'], env, 5000)]);
  } catch (e) {
    return { ok: false, path, reason: `${path} did not answer \`version\` / \`run --help\`: ${(e as Error).message}`, hint };
  }
  const cli = k6CliFrom(versionText, helpText);
  if (!cli) return { ok: false, path, reason: `${path} version printed no k6 version: ${versionText.trim().slice(0, 200)}`, hint };
  const support = k6Support(cli);
  if (!support.ok) return { ok: false, path, cli, reason: support.reason, hint: support.hint };
  return { ok: true, path, cli, found };
}

function execFileText(file: string, args: string[], env: EngineEnv, timeoutMs: number): Promise<string> {
  const cleanEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) cleanEnv[k] = v;
  return new Promise((res, rej) => {
    execFile(file, args, { env: cleanEnv, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${err.message}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''}`));
      else res(`${stdout}${stderr}`);
    });
  });
}
