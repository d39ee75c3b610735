import http from 'k6/http';

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { http_req_duration: ['p95<200'], no_such_metric: ['count>1'] },
  scenarios: undefined,
};

export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
