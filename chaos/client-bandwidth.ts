import { defineExperiment } from './experiment';
import { steadyState } from './catalog/common';

export default defineExperiment({
  name: 'client-bandwidth',
  description: 'Clients on a 16 KB/s link (both directions): requests slow down, the gateway stays healthy and loses nothing',
  scenario: 'steady',
  duration: '30s',
  hypothesis: { ...steadyState, thresholds: { 'http_req_failed{phase:baseline}': ['rate<0.01'] } },
  method: [
    { name: 'client-bandwidth-up', at: '10s', duration: '10s', link: 'client->gateway', toxic: { type: 'bandwidth', stream: 'upstream', attributes: { rate: 16 } } },
    { name: 'client-bandwidth-down', at: '10s', duration: '10s', link: 'client->gateway', toxic: { type: 'bandwidth', stream: 'downstream', attributes: { rate: 16 } } },
  ],
  verify: { noDataLoss: true, recoveryWithin: '10s' },
});
