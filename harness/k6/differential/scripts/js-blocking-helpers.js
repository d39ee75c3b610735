// JS semantics: blocking calls through imported helpers, static factories, higher-order functions, callbacks of built-ins (map, sort, reduce, find, replace, Map#forEach, Array.from); Promises of asyncRequest and async functions stay Promises.
import http from 'k6/http';
import { group } from 'k6';
import { Api, pad, retry } from './lib/blocking-helpers.js';

export const options = { iterations: 1 };

export default function () {
  const api = Api.create(__ENV.BASE_URL);
  console.log('factory', api.last, api.label);
  console.log('map', [1, 2, 3].map((i) => api.echo(i).status).join(','));
  console.log('sort', ['b', 'a', 'c'].sort((x, y) => api.cmp(x, y)).join(''));
  console.log('reduce', [1, 2].reduce((acc, i) => acc + retry(() => api.echo(i)).status, 0));
  console.log('find', [1, 2, 3].find((i) => api.echo(i).status === 200 && i > 1));
  console.log('replace', 'a-b'.replace(/-/g, () => String(api.echo(9).status)));
  const seen = [];
  new Map([['k', 4]]).forEach((v, k) => seen.push(k + api.echo(v).status));
  console.log('map forEach', seen.join(','));
  console.log('from', Array.from({ length: 2 }, (_, i) => api.echo(i).status).join(','));
  console.log('group', group('g', () => api.echo(7).status));
  console.log('toString', `${api}`, api.label);
  // Promise-returning calls hand back Promises (last: nothing blocks after them).
  const p = http.asyncRequest('GET', `${__ENV.BASE_URL}/echo?async=1`);
  console.log('asyncRequest', typeof p.then);
  async function later() {
    return pad(5);
  }
  const q = later();
  console.log('async fn', typeof q.then);
  q.then((v) => console.log('async value', v));
  p.then((r) => console.log('async status', r.status));
}
