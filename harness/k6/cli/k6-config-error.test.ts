import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../conformance/run-script';

/**
 * Invalid scenarios: the error line k6 v0.48 logs, whole (the differential suite compares only a
 * log line's first line). Each `k6` text below is what real k6 v0.48.0 printed for the
 * scenario beside it (`k6 run -q`, 2026-11-30), exit 104 for all; one scenario a case, because
 * k6 lists several scenarios in Go's random map order.
 */
const CASES: Array<{ scenario: string; k6: string }> = [
  {
    scenario: "car: { executor: 'constant-arrival-rate', rate: 0, timeUnit: '0s', duration: '0.5s', preAllocatedVUs: 2, maxVUs: 1, gracefulStop: '-1s', startTime: '-1s' }",
    k6: "scenario car has configuration errors: the startTime can't be negative, the gracefulStop timeout can't be negative, the iteration rate must be more than 0, the timeUnit must be more than 0, the duration must be at least 1s, but is 500ms, maxVUs can't be less than preAllocatedVUs",
  },
  {
    scenario: "car: { executor: 'constant-arrival-rate' }",
    k6: "scenario car has configuration errors: the iteration rate isn't specified, the duration is unspecified, the number of preAllocatedVUs isn't specified",
  },
  {
    scenario: "rar: { executor: 'ramping-arrival-rate', startRate: -1, timeUnit: '-1s', preAllocatedVUs: 1, maxVUs: 0, stages: [{ duration: '-1s', target: -1 }] }",
    k6: "scenario rar has configuration errors: the startRate value can't be negative, the timeUnit must be more than 0, the duration for stage 1 can't be negative, the target for stage 1 can't be negative, maxVUs can't be less than preAllocatedVUs",
  },
  {
    scenario: "pvi: { executor: 'per-vu-iterations', vus: 0, iterations: 0, maxDuration: '100ms' }",
    k6: 'scenario pvi has configuration errors: the number of VUs must be more than 0, the number of iterations must be more than 0, the maxDuration must be at least 1s, but is 100ms',
  },
  {
    scenario: "si: { executor: 'shared-iterations', vus: 2, iterations: 0, maxDuration: '10ms' }",
    k6: "scenario si has configuration errors: the number of iterations (0) can't be less than the number of VUs (2), the maxDuration must be at least 1s, but is 10ms",
  },
  { scenario: "cvu: { executor: 'constant-vus', vus: 0 }", k6: 'scenario cvu has configuration errors: the number of VUs must be more than 0, the duration is unspecified' },
  { scenario: "cvu: { executor: 'constant-vus', vus: 1, duration: '999ms' }", k6: 'scenario cvu has configuration errors: the duration must be at least 1s, but is 999ms' },
  {
    scenario: "rvu: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1s', target: 0 }] }",
    k6: "scenario rvu has configuration errors: either startVUs or one of the stages' target values must be greater than 0",
  },
];

describe("k6 run: invalid scenarios log k6 v0.48's configuration error line, whole, and exit 104", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k6-config-error-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  CASES.forEach((c, i) => {
    it(c.scenario, async () => {
      const file = join(dir, `s${i}.js`);
      await writeFile(file, `export const options = { scenarios: { ${c.scenario} } };\nexport default function () {}\n`);
      const r = await runScript(file, { flags: ['-q'] });
      assert.equal(r.code, 104, r.stderr);
      const msg = JSON.stringify(`There were problems with the specified script configuration:\n\t- ${c.k6}`);
      assert.ok(r.stderr.includes(`level=error msg=${msg}`), `expected msg=${msg}\n${r.stderr}`);
    });
  });
});
