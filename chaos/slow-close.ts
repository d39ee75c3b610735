import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

export default defineExperiment({
  name: 'slow-close',
  description: 'Client connections close 2 s late: sockets linger, the gateway must not run out of them or stall',
  scenario: 'steady',
  duration: '30s',
  hypothesis: steadyState,
  method: [{ at: '10s', duration: '10s', link: 'client->gateway', toxic: { type: 'slow_close', attributes: { delay: 2000 } } }],
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
