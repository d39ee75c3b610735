// k6/http: insecureSkipTLSVerify accepts the untrusted certificate; the TLS fields of the Response.
import http from 'k6/http';
export const options = { iterations: 2, insecureSkipTLSVerify: true, thresholds: { 'http_reqs{tls_version:tls1.3}': ['count==2'] } };
export default function () {
  const r = http.get(`${__ENV.TLS_URL}/secure`);
  console.log(r.status, r.body, r.tls_version, r.proto, r.error_code, typeof r.tls_cipher_suite);
}
