import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

export default defineExperiment({
  name: 'worker-crash',
  description: 'The worker is SIGKILLed for 8 s: the queue grows, then drains after restart with no loss and no duplicates',
  scenario: 'steady',
  duration: '30s',
  hypothesis: { ...steadyState, probes: [{ name: 'gateway ready', kind: 'http', path: '/health/ready', expectStatus: 200 }] },
  method: [{ at: '10s', duration: '8s', action: 'kill', component: 'worker' }],
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
