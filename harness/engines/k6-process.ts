import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, InfraError } from '../errors';
import { k6InspectArgv, k6RunArgv } from './k6-run-argv';
import { ProgressParser } from './progress-parser';
import type { EngineResult, EngineRunOptions } from './types';

export const DEFAULT_KILL_TIMEOUT_MS = 30_000;

/**
 * Spawns `command [...prefix] run <flags> <script>` (or `argv` when the caller fitted the flags
 * to its binary) and supervises it like a terminal would a k6:
 * output copied through, progress parsed, abort -> SIGINT (once: a second SIGINT makes k6 hard-stop
 * without teardown) -> SIGKILL after the timeout.
 *
 * The child gets its own process group (detached), so a Ctrl-C in the terminal reaches only the
 * harness, which forwards exactly one SIGINT; if the harness itself exits, the group is killed.
 */
export async function runK6Process(engine: string, command: string, prefix: string[], o: EngineRunOptions, argv?: string[]): Promise<EngineResult> {
  const started = Date.now();
  const outJsonPath = o.args.outJsonPath && resolve(o.cwd, o.args.outJsonPath);
  const summaryExportPath = o.args.summaryExportPath && resolve(o.cwd, o.args.summaryExportPath);
  let pid: number | undefined;
  const finish = (exitCode: number, interrupted: boolean, killedBy?: NodeJS.Signals): EngineResult => ({
    engine,
    pid,
    exitCode,
    interrupted,
    killedBy,
    durationMs: Date.now() - started,
    outJsonPath: outJsonPath && existsSync(outJsonPath) ? outJsonPath : undefined,
    summaryExportPath: summaryExportPath && existsSync(summaryExportPath) ? summaryExportPath : undefined,
  });
  if (o.signal?.aborted) return finish(ExitCode.ExternalAbort, true);

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
  const child = spawn(command, [...prefix, ...(argv ?? k6RunArgv(o.scriptPath, o.args))], {
    cwd: o.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  pid = child.pid;
  if (pid !== undefined) {
    try {
      o.onStart?.(pid);
    } catch {
      // a recording callback must not break the run
    }
  }

  const progress = o.onProgress ? new ProgressParser(o.onProgress) : undefined;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    o.stdout?.write(d);
    progress?.write(d);
  });
  child.stderr.on('data', (d: string) => {
    o.stderr?.write(d);
  });

  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  const onParentExit = () => killGroup('SIGKILL');
  process.on('exit', onParentExit);

  let interrupted = false;
  let escalation: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (interrupted) return;
    interrupted = true;
    killGroup('SIGINT');
    escalation = setTimeout(() => killGroup('SIGKILL'), o.killTimeoutMs ?? DEFAULT_KILL_TIMEOUT_MS);
    escalation.unref();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
      child.once('error', (e: NodeJS.ErrnoException) =>
        rej(
          new InfraError(`${engine} engine: cannot start ${command}: ${e.message}`, {
            hint: e.code === 'ENOENT' ? 'check K6_BIN / PATH, or use --engine builtin' : undefined,
            cause: e,
          }),
        ),
      );
      // 'close' (not 'exit'): all output has been read by then
      child.once('close', (code, signal) => res({ code, signal }));
    });
    progress?.flush();
    if (code !== null) return finish(code, interrupted);
    return finish(interrupted ? ExitCode.ExternalAbort : ExitCode.GenericError, interrupted, signal ?? undefined);
  } finally {
    if (escalation) clearTimeout(escalation);
    o.signal?.removeEventListener('abort', onAbort);
    process.off('exit', onParentExit);
  }
}

/**
 * `command [...prefix] inspect --env ... <script>`: the consolidated options' `thresholds` (the
 * built-in engine prints them at the top level, real k6 under `options`); undefined on failure.
 */
export function inspectK6Thresholds(command: string, prefix: string[], o: Pick<EngineRunOptions, 'scriptPath' | 'args' | 'cwd' | 'env'>): Promise<unknown> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
  return new Promise((res) => {
    execFile(command, [...prefix, ...k6InspectArgv(o.scriptPath, o.args)], { cwd: o.cwd, env, timeout: 60_000, maxBuffer: 16 << 20, encoding: 'utf8' }, (err, stdout) => {
      if (err) return res(undefined);
      try {
        const j = JSON.parse(stdout.slice(stdout.indexOf('{')));
        res(j.thresholds ?? j.options?.thresholds);
      } catch {
        res(undefined);
      }
    });
  });
}
