import { InfraError } from '../errors';
import type { RuntimeFactoryContext, RuntimeRegistry } from './registry';
import type { Runtime } from './types';

/**
 * `auto` -> docker when registered and available, else local. A named runtime is returned
 * as is (its `start` reports what is missing).
 */
export async function resolveRuntime(
  name: string,
  registry: RuntimeRegistry,
  ctx: RuntimeFactoryContext & { env: Record<string, string | undefined>; cwd: string; log?: (l: string) => void },
): Promise<Runtime> {
  if (name !== 'auto') return registry.create(name, ctx);
  const reasons: string[] = [];
  for (const candidate of ['docker', 'local']) {
    if (!registry.has(candidate)) continue;
    const rt = await registry.create(candidate, ctx);
    const a = await rt.available({ env: ctx.env, cwd: ctx.cwd });
    if (a.ok) {
      ctx.log?.(`runtime auto -> ${candidate}${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
      return rt;
    }
    reasons.push(`${candidate}: ${a.reason}`);
  }
  throw new InfraError(`no runtime is available: ${reasons.join('; ')}`, { hint: 'run `harness doctor`, or pass --runtime external --target-url URL' });
}
