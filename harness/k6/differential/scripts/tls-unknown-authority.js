// k6/http: a TLS server whose certificate no one trusts: k6's error text and code, the Request Failed warning.
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const r = http.get(`${__ENV.TLS_URL}/x`);
  console.log(r.status, r.error, r.error_code, JSON.stringify(r.tls_version));
}
