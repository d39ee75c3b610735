// Iteration-based executors: exact request/check/iteration counts, exec, per-scenario env and
// tags, startTime, setup data in every VU and in teardown, groups, custom metrics.
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import exec from 'k6/execution';

const sent = new Counter('conf_sent');
const last = new Gauge('conf_last_vu');
const okRate = new Rate('conf_ok');
const size = new Trend('conf_size');

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 3, iterations: 10, exec: 'shared', env: { MODE: 'shared' }, tags: { kind: 'shared' } },
    pervu: { executor: 'per-vu-iterations', vus: 2, iterations: 4, exec: 'pervu', startTime: '300ms', gracefulStop: '5s' },
  },
  thresholds: {
    'http_reqs{scenario:shared}': ['count==10'],
    'http_reqs{scenario:pervu}': ['count==8'],
    checks: ['rate==1'],
    conf_sent: ['count==18'],
    'conf_size{kind:shared}': ['max<100'],
  },
};

export function setup() {
  return { token: 'abc' };
}

export function shared(data) {
  const body = JSON.stringify({ device_id: `dev-${__VU}`, iter: __ITER });
  size.add(body.length);
  const r = http.post(`${__ENV.BASE_URL}/telemetry`, body, { headers: { 'Content-Type': 'application/json' }, tags: { endpoint: 'telemetry' } });
  check(r, {
    'shared 202': (x) => x.status === 202,
    'shared env': () => __ENV.MODE === 'shared' && __ENV.BASE_URL !== undefined,
    'shared data': () => data.token === 'abc',
    'shared scenario': () => exec.scenario.name === 'shared',
  });
  sent.add(1);
  okRate.add(r.status === 202);
  last.add(__VU);
}

export function pervu(data) {
  group('health', () => {
    const r = http.get(`${__ENV.BASE_URL}/health`);
    check(r, { 'pervu 200': (x) => x.status === 200, 'pervu json': (x) => x.json().status === 'ok' });
  });
  check(null, {
    'pervu env': () => __ENV.MODE === undefined,
    'pervu data': () => data.token === 'abc',
    'pervu iter': () => exec.vu.iterationInScenario === __ITER,
    // startTime: 300ms, counted from the end of setup(), on the engine's own clock
    'pervu startTime': () => exec.instance.currentTestRunDuration >= 300,
  });
  sent.add(1);
}

export function teardown(data) {
  http.post(`${__ENV.BASE_URL}/echo?token=${data.token}`, 'bye');
}
