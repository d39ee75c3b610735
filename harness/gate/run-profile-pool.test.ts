import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { buildRunProfile, poolRunProfiles } from './run-profile';
import { writeGateRun } from './testing/write-gate-run';

describe('poolRunProfiles (repeated runs as one candidate)', () => {
  let cwd: string;
  before(() => (cwd = mkdtempSync(join(tmpdir(), 'gate-pool-'))));
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('totals add, histograms merge, windows pool one run after the other; a counter drops each run’s edge seconds', async () => {
    const a = await buildRunProfile(writeGateRun(cwd, 'a', { latencyMs: 10, seconds: 6, seed: 1 }));
    const b = await buildRunProfile(writeGateRun(cwd, 'b', { latencyMs: 20, seconds: 4, seed: 2, failEvery: 10 }));
    const p = poolRunProfiles([a, b]);
    assert.equal(p.runId, 'a+b');
    assert.deepEqual(p.environment.pooled, ['a', 'b']);
    assert.equal(p.seconds, a.seconds + b.seconds);
    const whole = (metric: string) => p.series.find((s) => s.metric === metric && Object.keys(s.tags).length === 0)!;
    const dur = whole('http_req_duration');
    assert.equal(dur.count, 200);
    assert.deepEqual(dur.seconds.at, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(dur.seconds.p!.p95!.length, 10);
    const h = hdr.decodeFromCompressedBase64(dur.hist!);
    assert.equal(h.totalCount, 200);
    const median = h.getValueAtPercentile(50) / 1000;
    h.destroy();
    assert.ok(median > 12 && median < 22, `the merged median ${median} lies between the runs'`);
    assert.ok(dur.min >= 10 && dur.max <= 28);
    const reqs = whole('http_reqs');
    assert.equal(reqs.sum, 200, 'totals keep every request');
    assert.deepEqual(reqs.seconds.at, [1, 2, 3, 4, 7, 8], 'windows without each run’s first and last second');
    assert.equal(whole('http_req_failed').hits, 8);
    assert.equal(poolRunProfiles([a]), a);
  });
});
