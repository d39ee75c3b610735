import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarness } from '../../testing';
import { startConformanceServer, type ConformanceServer } from '../conformance/server';

const VUS = 5000;

/** Issue 16: 5,000 VUs start and run (not timed: the machine's speed decides only how long it takes). */
describe('harness k6 run with 5,000 VUs @slow', function () {
  this.timeout(600_000);
  let server: ConformanceServer;
  let dir: string;

  before(async () => {
    server = await startConformanceServer();
    dir = await mkdtemp(join(tmpdir(), 'many-vus-'));
  });
  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every VU is initialised and runs its iteration: http.post + check + sleep(1)', async () => {
    await writeFile(
      join(dir, 'many.js'),
      `import http from 'k6/http'; import { check, sleep } from 'k6';
      export const options = { scenarios: { many: { executor: 'per-vu-iterations', vus: ${VUS}, iterations: 1, maxDuration: '5m' } } };
      export default function () {
        const r = http.post(__ENV.BASE_URL + '/telemetry', JSON.stringify({ device_id: 'vu-' + __VU, temp: 21.5 }), { headers: { 'Content-Type': 'application/json' } });
        check(r, { 'is 202': (x) => x.status === 202 });
        sleep(1);
      }`,
    );
    const r = await runHarness(['k6', 'run', '--quiet', '--summary-export', 'summary.json', '-e', `BASE_URL=${server.url}`, 'many.js'], { cwd: dir, timeoutMs: 570_000 });
    assert.equal(r.code, 0, r.stderr.slice(-4000));
    const m = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).metrics;
    assert.equal(m.vus_max.max ?? m.vus_max.value, VUS);
    assert.equal(m.iterations.count, VUS);
    assert.equal(m.http_reqs.count, VUS);
    assert.equal(m.checks.passes, VUS);
    assert.equal(m.checks.fails, 0);
    assert.equal(server.count('POST /telemetry'), VUS);
  });
});
