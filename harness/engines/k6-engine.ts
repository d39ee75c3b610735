import { execFile } from 'node:child_process';
import { InfraError } from '../errors';
import { findExecutable } from './find-executable';
import { runK6Process } from './k6-process';
import type { Engine, EngineAvailability, EngineEnv, EngineResult, EngineRunOptions } from './types';

/** The k6 version the harness's scenarios, types and reference outputs are pinned to. */
export const K6_REFERENCE_VERSION = 'v0.48.0';

/** The real k6 binary: `K6_BIN` when set, else `k6` on PATH. */
export class K6Engine implements Engine {
  readonly key = 'k6';
  readonly description = 'the real k6 binary (K6_BIN or k6 on PATH)';

  async locate(env: EngineEnv): Promise<{ path?: string; reason: string }> {
    if (env.K6_BIN) {
      const path = await findExecutable(env.K6_BIN, env);
      return path ? { path, reason: `K6_BIN=${env.K6_BIN}` } : { reason: `K6_BIN=${env.K6_BIN} is not an executable file` };
    }
    const path = await findExecutable('k6', env);
    return path ? { path, reason: `k6 on PATH (${path})` } : { reason: 'k6 is not on PATH and K6_BIN is not set' };
  }

  async available(env: EngineEnv): Promise<EngineAvailability> {
    const { path, reason } = await this.locate(env);
    const hint = `install k6 ${K6_REFERENCE_VERSION} (https://grafana.com/docs/k6/latest/set-up/install-k6/) and put it on PATH or set K6_BIN; or use --engine builtin`;
    if (!path) return { ok: false, reason, hint };
    try {
      const out = await execFileText(path, ['version'], env, 5000);
      const m = /k6 (v\d+\.\d+\.\d+\S*)/.exec(out);
      if (!m) return { ok: false, path, reason: `${path} version printed no k6 version: ${out.trim().slice(0, 200)}`, hint };
      return { ok: true, path, version: m[1], reason };
    } catch (e) {
      return { ok: false, path, reason: `${path} version failed: ${(e as Error).message}`, hint };
    }
  }

  async run(opts: EngineRunOptions): Promise<EngineResult> {
    const { path, reason } = await this.locate(opts.env);
    if (!path) {
      throw new InfraError(`k6 engine: ${reason}`, { hint: 'install k6 or set K6_BIN, or use --engine builtin' });
    }
    return runK6Process(this.key, path, [], opts);
  }
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
