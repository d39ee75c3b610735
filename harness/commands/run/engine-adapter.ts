import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Writable } from 'node:stream';
import { InvalidConfigError, InfraError, ExitCode } from '../../errors';
import { which } from '../../setup';
import type { CommandContext } from '../context';

/** What the run command asks of a load engine (k6 semantics: exit code as k6). */
export interface EngineRunRequest {
  scriptPath: string;
  cwd: string;
  /** `--env K=V` for the script (BASE_URL, HARNESS_VUS, ...). */
  env: Record<string, string>;
  tags: Record<string, string>;
  /** `--out json=<file>`. */
  samplesPath: string;
  /** `--summary-export <file>`. */
  summaryPath: string;
  signal: AbortSignal;
  stdout: Writable;
  stderr: Writable;
  isTTY: boolean;
}

export interface RunEngine {
  readonly name: string;
  /**
   * Validates options and thresholds without starting load or touching the target; throws an
   * InvalidConfigError (exit 104). `undefined` when the engine cannot validate separately.
   */
  validate?(req: EngineRunRequest): Promise<void>;
  /** Runs the script; resolves with k6's exit code (0, 99, 104, 105, 107, 108). */
  run(req: EngineRunRequest): Promise<number>;
}

/** k6 CLI arguments shared by `harness k6 run` and the real k6 binary. */
export function k6Argv(req: EngineRunRequest): string[] {
  const argv = ['run', '--out', `json=${req.samplesPath}`, '--summary-export', req.summaryPath];
  for (const [k, v] of Object.entries(req.env)) argv.push('--env', `${k}=${v}`);
  for (const [k, v] of Object.entries(req.tags)) argv.push('--tag', `${k}=${v}`);
  argv.push(req.scriptPath);
  return argv;
}

/** The built-in engine through its k6-compatible CLI (`harness k6 run`), in process. */
class BuiltinCliEngine implements RunEngine {
  readonly name = 'builtin';
  constructor(private readonly ctx: CommandContext) {}
  async run(req: EngineRunRequest): Promise<number> {
    const { k6 } = await import('../k6/index');
    return k6(k6Argv(req), { ...this.ctx, cwd: req.cwd, stdout: req.stdout, stderr: req.stderr, signal: req.signal, isTTY: req.isTTY });
  }
}

/** The real k6 binary (K6_BIN or PATH). SIGINT is forwarded so it stops gracefully (exit 105). */
class K6BinaryEngine implements RunEngine {
  readonly name = 'k6';
  constructor(
    private readonly bin: string,
    private readonly ctx: CommandContext,
  ) {}
  run(req: EngineRunRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, k6Argv(req), { cwd: req.cwd, env: this.ctx.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pipe(req.stdout, { end: false });
      child.stderr.pipe(req.stderr, { end: false });
      const onAbort = () => child.kill('SIGINT');
      req.signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (e) => reject(new InfraError(`could not start k6 (${this.bin}): ${e.message}`)));
      child.once('exit', (code, sig) => {
        req.signal.removeEventListener('abort', onAbort);
        resolve(code ?? (sig ? ExitCode.ExternalAbort : ExitCode.GenericError));
      });
    });
  }
}

/** Engine registry of harness/engines when it is in this checkout (loaded by path, typed loosely). */
async function enginesModule(cwd: string): Promise<Record<string, unknown> | undefined> {
  const here = new URL('../../engines/index.ts', import.meta.url);
  const file = existsSync(here) ? here : existsSync(join(cwd, 'harness/engines/index.ts')) ? pathToFileURL(join(cwd, 'harness/engines/index.ts')) : undefined;
  return file ? ((await import(file.href)) as Record<string, unknown>) : undefined;
}

/**
 * `auto` -> real k6 when installed, else builtin. Prefers harness/engines (which can validate
 * thresholds before anything starts) and falls back to the k6 CLI surface.
 */
export async function selectEngine(choice: string, ctx: CommandContext): Promise<RunEngine> {
  const mod = await enginesModule(ctx.cwd).catch(() => undefined);
  const fromRegistry = mod && typeof mod.selectEngineForRun === 'function' ? await (mod.selectEngineForRun as (c: string, ctx: CommandContext) => Promise<RunEngine | undefined>)(choice, ctx) : undefined;
  if (fromRegistry) return fromRegistry;
  const k6bin = await which(ctx.env.K6_BIN ?? 'k6', ctx.env);
  if (choice === 'k6') {
    if (!k6bin) throw new InvalidConfigError('engine k6 requested but k6 is not installed', [], { hint: 'install k6 or set K6_BIN, or use --engine builtin (the default without k6)' });
    return new K6BinaryEngine(k6bin, ctx);
  }
  if (choice === 'auto' && k6bin) return new K6BinaryEngine(k6bin, ctx);
  if (choice !== 'auto' && choice !== 'builtin') throw new InvalidConfigError(`unknown engine "${choice}"; valid: auto, k6, builtin`);
  return new BuiltinCliEngine(ctx);
}
