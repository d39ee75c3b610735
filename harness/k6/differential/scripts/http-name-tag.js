// k6/http: the name tag, http.url templates and request tags group requests.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 2 };
export default function () {
  const id = __ITER;
  http.get(`${__ENV.BASE_URL}/status?code=200&id=${id}`, { tags: { name: 'status-by-id' } });
  http.get(http.url`${__ENV.BASE_URL}/status?code=201&id=${id}`);
  const r = http.get(`${__ENV.BASE_URL}/health`, { tags: { my: 'tag' } });
  console.log(r.request.url === `${__ENV.BASE_URL}/health`);
}
