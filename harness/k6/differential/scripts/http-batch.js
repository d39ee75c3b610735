// k6/http: batch with array, object and request-object forms.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const b = __ENV.BASE_URL;
  const a = http.batch([`${b}/health`, ['GET', `${b}/status?code=201`], { method: 'POST', url: `${b}/echo`, body: 'x', params: { tags: { name: 'batch-post' } } }]);
  console.log('array', a.length, a.map((r) => r.status).join(','));
  const o = http.batch({ h: `${b}/health`, e: ['POST', `${b}/echo`, 'y'] });
  console.log('object', Object.keys(o).sort().join(','), o.h.status, o.e.json().body);
}
