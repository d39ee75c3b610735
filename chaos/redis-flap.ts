import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

/**
 * Redis comes and goes: four short partitions, their starts jittered by the seeded RNG.
 * Spacing: each flap ends at least 4 s (the recovery window: 2 s budget + 2 s margin) before the
 * next can start, whatever the jitter: 8 s apart = 2 s flap + 2 × 1 s jitter + 4 s. The gateway
 * is back within ~0.5 s of Redis (breaker probes on reconnect; docs/chaos.md has the numbers).
 */
export default defineExperiment({
  name: 'redis-flap',
  description: 'Redis flaps (four 2 s partitions at seeded-random moments): the breaker opens and closes without losing data',
  scenario: 'steady',
  duration: '40s',
  hypothesis: steadyState,
  method: [8, 16, 24, 32].map((s, i) => ({
    name: `flap-${i + 1}`,
    at: `${s}s`,
    jitter: '1s',
    duration: '2s',
    link: 'gateway->redis' as const,
    toxic: { partition: true as const },
  })),
  verify: { noDataLoss: true, recoveryWithin: '2s' },
});
