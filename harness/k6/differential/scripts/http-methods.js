// k6/http: every method helper and http.request.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const u = `${__ENV.BASE_URL}/echo`;
  for (const [n, r] of [['get', http.get(u)], ['post', http.post(u, 'p')], ['put', http.put(u, 'p')], ['patch', http.patch(u, 'p')], ['del', http.del(u)], ['options', http.options(u)], ['head', http.head(u)], ['request', http.request('PURGE', u)]]) {
    console.log(n, r.status, r.request.method, n === 'head' ? JSON.stringify(r.body) : r.json().method, n === 'head' ? '' : r.json().body);
  }
}
