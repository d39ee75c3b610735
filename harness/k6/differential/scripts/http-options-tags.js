// options.tags reach every sample: a threshold on a test-wide tag.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 2, tags: { suite: 'diff' }, thresholds: { 'http_reqs{suite:diff}': ['count==2'], 'iterations{suite:diff}': ['count==2'] } };
export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
