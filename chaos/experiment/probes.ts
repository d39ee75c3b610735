import { createToolRedis } from '../../target/shared/redis';
import { pendingCount } from '../../target/shared/accounting';
import type { StartedTargetStack } from '../../harness/runtimes/types';
import { parseDuration } from './duration';
import type { Probe } from './types';
import { withTimeout } from './with-timeout';

export interface ProbeResult {
  probe: string;
  ok: boolean;
  detail: string;
}

/** Runs one steady-state probe against the stack, bypassing Toxiproxy. Never throws. */
export async function runProbe(probe: Probe, stack: StartedTargetStack, timeoutMs = 2000): Promise<ProbeResult> {
  try {
    if (probe.kind === 'http') {
      const ms = probe.timeout ? parseDuration(probe.timeout) ?? timeoutMs : timeoutMs;
      const res = await fetch(`${stack.gatewayUrl}${probe.path}`, { signal: AbortSignal.timeout(ms) });
      await res.arrayBuffer();
      const want = probe.expectStatus ?? 200;
      return { probe: probe.name, ok: res.status === want, detail: `GET ${probe.path} -> ${res.status} (want ${want})` };
    }
    if (!stack.redisUrl) return { probe: probe.name, ok: false, detail: 'no Redis URL (external runtime)' };
    const redis = createToolRedis(stack.redisUrl);
    try {
      const depth = await withTimeout('queue depth', timeoutMs, () => pendingCount(redis));
      return { probe: probe.name, ok: depth <= probe.max, detail: `queue depth ${depth} (max ${probe.max})` };
    } finally {
      redis.disconnect();
    }
  } catch (e) {
    return { probe: probe.name, ok: false, detail: (e as Error).message };
  }
}

export async function runProbes(probes: readonly Probe[], stack: StartedTargetStack): Promise<ProbeResult[]> {
  return Promise.all(probes.map((p) => runProbe(p, stack)));
}
