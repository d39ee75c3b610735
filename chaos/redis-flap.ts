import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

/** Redis comes and goes: four short partitions, their starts jittered by the seeded RNG. */
export default defineExperiment({
  name: 'redis-flap',
  description: 'Redis flaps (four 2 s partitions at seeded-random moments): the breaker opens and closes without losing data',
  scenario: 'steady',
  duration: '40s',
  hypothesis: steadyState,
  method: [8, 14, 20, 26].map((s, i) => ({
    name: `flap-${i + 1}`,
    at: `${s}s`,
    jitter: '1s',
    duration: '2s',
    link: 'gateway->redis' as const,
    toxic: { partition: true as const },
  })),
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
