import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

export default defineExperiment({
  name: 'gateway-restart',
  description: 'The gateway restarts under load: in-flight requests finish or fail fast, every 202 is processed',
  scenario: 'steady',
  duration: '30s',
  hypothesis: steadyState,
  method: [{ at: '10s', action: 'restart', component: 'gateway' }],
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
