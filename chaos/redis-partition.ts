import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

export default defineExperiment({
  name: 'redis-partition',
  description: 'Redis unreachable for 10 s: fast 503s (breaker open), no hangs, nothing accepted is lost, recovery after',
  scenario: 'steady',
  duration: '30s',
  hypothesis: steadyState,
  method: [{ at: '10s', duration: '10s', link: 'gateway->redis', toxic: { partition: true } }],
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
