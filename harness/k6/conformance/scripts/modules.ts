// Every k6 module the engine provides, each behaviour asserted by a check; TypeScript on purpose
// (compiled on the fly). The test expects every check to pass.
import http from 'k6/http';
import { check, fail, group, randomSeed, sleep } from 'k6';
import { SharedArray } from 'k6/data';
import encoding from 'k6/encoding';
import crypto from 'k6/crypto';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';

interface Device {
  device: string;
  temp: number;
}

const devices = new SharedArray<Device>('devices', () => JSON.parse(open('./data.json')));
const custom = new Counter('conf_custom');

export const options = {
  scenarios: { mods: { executor: 'per-vu-iterations', vus: 2, iterations: 2, tags: { suite: 'modules' } } },
  thresholds: { checks: ['rate==1'], 'conf_custom{kind:x}': ['count==4'] },
};

export default function (): void {
  const base = __ENV.BASE_URL;
  check(null, {
    'shared array': () => devices.length === 3 && devices[1].device === 'b',
    'b64 roundtrip': () => encoding.b64decode(encoding.b64encode('hello k6'), 'std', 's') === 'hello k6',
    'b64 known': () => encoding.b64encode('hi') === 'aGk=',
    sha256: () => crypto.sha256('abc', 'hex') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    md5: () => crypto.md5('abc', 'hex') === '900150983cd24fb0d6963f7d28e17f72',
    hmac: () => crypto.hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex') === 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    'exec vu': () => exec.vu.idInTest === __VU && __VU >= 1 && __VU <= 2,
    'exec scenario': () => exec.scenario.name === 'mods' && exec.scenario.executor === 'per-vu-iterations',
    'exec instance': () => exec.instance.vusInitialized >= 2,
  });
  randomSeed(42);
  const a = Math.random();
  randomSeed(42);
  check(a, { 'randomSeed repeats': (x) => x === Math.random() });

  const r = http.post(`${base}/echo?q=1`, JSON.stringify({ x: 1 }), {
    headers: { 'Content-Type': 'application/json', 'X-Conf': 'yes' },
    tags: { endpoint: 'echo' },
    timeout: '5s',
  });
  check(r, {
    'echo 200': (x) => x.status === 200,
    'echo json': (x) => (x.json() as any).headers['x-conf'] === 'yes' && (x.json() as any).query.q === '1',
    'echo method': (x) => (x.json() as any).method === 'POST',
    'response headers': (x) => x.headers['Content-Type'] === 'application/json',
    'response cookies': (x) => x.cookies.sid !== undefined && x.cookies.sid[0].value === 's3cr3t',
    timings: (x) => x.timings.duration >= 0 && x.timings.waiting >= 0,
    url: (x) => x.url === `${base}/echo?q=1`,
  });
  const jar = http.cookieJar();
  check(jar.cookiesForURL(`${base}/`), { 'cookie jar': (c) => c.sid !== undefined });

  const verbs = [http.get(`${base}/echo`), http.put(`${base}/echo`, 'p'), http.patch(`${base}/echo`, 'p'), http.del(`${base}/echo`), http.head(`${base}/health`), http.options(`${base}/echo`), http.request('GET', `${base}/echo`)];
  check(verbs, { 'all verbs 200': (v) => v.every((x) => x.status === 200) });

  const batch = http.batch([
    ['GET', `${base}/health`],
    { method: 'POST', url: `${base}/telemetry`, body: '{"a":1}' },
  ]);
  check(batch, { 'batch statuses': (b) => b[0].status === 200 && b[1].status === 202 });

  const notFound = http.get(`${base}/status?code=404`, { responseCallback: http.expectedStatuses(404) });
  check(notFound, { 'expected 404': (x) => x.status === 404 });
  const none = http.get(`${base}/health`, { responseType: 'none' });
  check(none, { 'responseType none': (x) => x.body === null });
  const refused = http.get('http://127.0.0.1:1/nothing', { timeout: '2s' });
  check(refused, { 'connection refused': (x) => x.status === 0 && x.error_code > 0 && x.error !== '' });

  group('outer', () => {
    group('inner', () => {
      check(1, { 'nested group': () => true });
    });
  });
  custom.add(1, { kind: 'x' });
  let threw = false;
  try {
    fail('expected failure');
  } catch (e) {
    threw = String(e).includes('expected failure');
  }
  check(threw, { 'fail throws': (t) => t });
  sleep(0.01);
}
