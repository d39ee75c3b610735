// Execution segments: every executor, no network, bounded. Each iteration adds 1 to `seg_iter`
// tagged with exec.scenario.iterationInTest and exec.vu.idInTest, so a segment's share of
// iterations and VUs can be compared with real k6 (segments.test.ts).
import exec from 'k6/execution';
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';

const segIter = new Counter('seg_iter');

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 4, iterations: 13, maxDuration: '10s' },
    pervu: { executor: 'per-vu-iterations', vus: 5, iterations: 2, maxDuration: '10s' },
    constvus: { executor: 'constant-vus', vus: 5, duration: '1s', exec: 'looping' },
    ramping: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '500ms', target: 7 }, { duration: '500ms', target: 7 }], gracefulRampDown: '0s', exec: 'looping' },
    // rates whose ticks never fall on the end of the duration, so the counts do not depend on timing
    constrate: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1025ms', preAllocatedVUs: 5 },
    ramprate: { executor: 'ramping-arrival-rate', startRate: 10, timeUnit: '1s', preAllocatedVUs: 3, maxVUs: 6, stages: [{ duration: '1s', target: 30 }, { duration: '490ms', target: 30 }] },
  },
};

export default function () {
  segIter.add(1, { iter: String(exec.scenario.iterationInTest), vu: String(exec.vu.idInTest) });
}

export function looping() {
  segIter.add(1, { iter: 'loop', vu: String(exec.vu.idInTest) });
  sleep(0.2);
}
