import type { HarnessConfig } from '../config';
import { builtinRuntimes, resolveRuntime, type RuntimeRegistry } from '../runtimes';
import type { StartedTargetStack } from '../runtimes/types';
import type { RunScope } from './run-scope';

export interface StartStackOptions {
  config: HarnessConfig;
  scope: RunScope;
  cwd: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  seed?: number;
  registry?: RuntimeRegistry;
  /** Register the stack's teardown on the scope (default true; `harness up` keeps it). */
  teardown?: boolean;
}

/** Resolves the runtime (`auto` -> docker if available, else local), starts it, registers its teardown. */
export async function startStack(o: StartStackOptions): Promise<StartedTargetStack> {
  const registry = o.registry ?? builtinRuntimes();
  const runtime = await resolveRuntime(o.config.runtime.name, registry, { config: o.config, env: o.env, cwd: o.cwd, log: o.log });
  const stack = await runtime.start({
    runId: o.scope.runId,
    runDir: o.scope.dir.path,
    cwd: o.cwd,
    env: o.env,
    log: o.log,
    signal: o.scope.signal,
    targetUrl: o.config.runtime.targetUrl,
    // the one-line gate demonstration (docs/gates.md): `TARGET_INJECT_DELAY_MS=5 harness run smoke --baseline main`
    // reaches the gateway on every runtime (docker passes only gatewayEnv into the container)
    gatewayEnv: { ...(o.env.TARGET_INJECT_DELAY_MS ? { TARGET_INJECT_DELAY_MS: o.env.TARGET_INJECT_DELAY_MS } : {}), ...o.config.gateway.env },
    workerEnv: o.config.worker.env,
    toxiproxy: o.config.toxiproxy.server !== 'none',
    pidFile: o.scope.pidFile,
    seed: o.seed,
  });
  if (o.teardown !== false) o.scope.defer(() => stack.stop(), `${stack.runtime} stack`);
  return stack;
}
