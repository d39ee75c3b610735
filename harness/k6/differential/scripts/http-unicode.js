// k6/http: unicode in URL path, query, headers and body.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const r = http.post(`${__ENV.BASE_URL}/echo?name=\u00e9t\u00e9&e=\u{1F600}`, '\u65e5\u672c \u2713');
  const j = r.json();
  console.log(JSON.stringify(j.query), j.body, j.headers['content-length']);
}
