// Scenario tags and the scenario tag on samples: thresholds per scenario.
import http from 'k6/http';
export const options = {
  scenarios: {
    a: { executor: 'shared-iterations', vus: 1, iterations: 2, tags: { flow: 'a' } },
    b: { executor: 'per-vu-iterations', vus: 2, iterations: 1, tags: { flow: 'b' } },
  },
  thresholds: { 'http_reqs{scenario:a}': ['count==2'], 'http_reqs{flow:b}': ['count==2'], 'iterations{scenario:b}': ['count==2'] },
};
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
