// Thresholds on group submetrics and http_reqs by status.
import http from 'k6/http';
import { group } from 'k6';
export const options = { iterations: 2, thresholds: { 'http_reqs{group:::g1}': ['count==2'], 'http_reqs{status:404}': ['count==2'], 'group_duration{group:::g1}': ['max>=0'] } };
export default function () {
  group('g1', () => http.get(`${__ENV.BASE_URL}/health`));
  http.get(`${__ENV.BASE_URL}/nope`);
}
