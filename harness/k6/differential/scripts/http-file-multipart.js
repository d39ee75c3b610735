// k6/http: http.file() in an object body makes a multipart/form-data request.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const f = http.file('file content \u2713', 'a.txt', 'text/plain');
  console.log(f.filename, f.content_type, typeof f.data);
  const r = http.post(`${__ENV.BASE_URL}/echo`, { field: 'v', upload: f });
  const j = r.json();
  console.log(j.headers['content-type'].split(';')[0], j.body.includes('name="upload"; filename="a.txt"'), j.body.includes('Content-Type: text/plain'), j.body.includes('file content \u2713'), j.body.includes('name="field"'));
}
