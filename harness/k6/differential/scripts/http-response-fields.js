// k6/http: Response fields present for a successful request.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.get(`${__ENV.BASE_URL}/health`);
  console.log(Object.keys(r.timings).sort().join(','));
  console.log(['status', 'body', 'headers', 'url', 'error', 'error_code', 'proto', 'remote_ip', 'remote_port', 'tls_version', 'ocsp', 'request', 'cookies', 'timings'].map((k) => k + ':' + (k in r)).join(','));
  console.log(r.remote_ip, r.remote_port > 0, JSON.stringify(r.tls_version));
}
