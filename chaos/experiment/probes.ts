import { nonNegativeDurationMs as parseDuration } from '../../vocabulary';
import type { ChaosTarget, Probe, TargetAccounting } from './types';
import { withTimeout } from './with-timeout';

export interface ProbeResult {
  probe: string;
  ok: boolean;
  detail: string;
}

/** Runs one steady-state probe against the stack, bypassing Toxiproxy. Never throws. */
export async function runProbe(probe: Probe, stack: ChaosTarget, accounting: TargetAccounting | undefined, timeoutMs = 2000): Promise<ProbeResult> {
  try {
    if (probe.kind === 'http') {
      const ms = probe.timeout ? parseDuration(probe.timeout) ?? timeoutMs : timeoutMs;
      const res = await fetch(`${stack.gatewayUrl}${probe.path}`, { signal: AbortSignal.timeout(ms) });
      await res.arrayBuffer();
      const want = probe.expectStatus ?? 200;
      return { probe: probe.name, ok: res.status === want, detail: `GET ${probe.path} -> ${res.status} (want ${want})` };
    }
    if (!accounting) return { probe: probe.name, ok: false, detail: 'no target accounting (the stack exposes no Redis URL)' };
    const depth = await withTimeout('queue depth', timeoutMs, () => accounting.pendingCount());
    return { probe: probe.name, ok: depth <= probe.max, detail: `queue depth ${depth} (max ${probe.max})` };
  } catch (e) {
    return { probe: probe.name, ok: false, detail: (e as Error).message };
  }
}

export async function runProbes(probes: readonly Probe[], stack: ChaosTarget, accounting?: TargetAccounting): Promise<ProbeResult[]> {
  return Promise.all(probes.map((p) => runProbe(p, stack, accounting)));
}
