import http from 'k6/http';

const cfg = JSON.parse('{not json');

export default function () {
  http.get(`${__ENV.BASE_URL}/health?${cfg}`);
}
