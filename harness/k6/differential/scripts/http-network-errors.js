// k6/http: k6's texts for network errors scripts match on: a connection closed without an answer
// (EOF), reset (RST), and TLS spoken to a plain-HTTP port; r.error, r.error_code and the Request Failed warning.
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const b = __ENV.BASE_URL;
  for (const u of [`${b}/drop`, `${b}/reset`, `${b.replace('http://', 'https://')}/health`]) {
    const r = http.get(u);
    console.log(r.status, r.error, r.error_code);
  }
}
