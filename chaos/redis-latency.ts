import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

export default defineExperiment({
  name: 'redis-latency',
  description: 'Redis answers 200 ms ± 50 ms late: the gateway slows or sheds load but loses nothing and recovers',
  scenario: 'steady',
  duration: '30s',
  hypothesis: steadyState,
  method: [{ at: '10s', duration: '10s', link: 'gateway->redis', toxic: { type: 'latency', attributes: { latency: 200, jitter: 50 } } }],
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
