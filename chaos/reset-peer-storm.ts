import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

export default defineExperiment({
  name: 'reset-peer-storm',
  description: 'Half of the Redis connections are reset (RST): the gateway reconnects and retries, nothing accepted is lost',
  scenario: 'steady',
  duration: '30s',
  hypothesis: steadyState,
  method: [{ at: '10s', duration: '10s', link: 'gateway->redis', toxic: { type: 'reset_peer', attributes: { timeout: 500 }, toxicity: 0.5 } }],
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
