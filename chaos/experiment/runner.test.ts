import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { assembleStandInStack } from '../testing/assembled-stack';
import { defineExperiment } from './define-experiment';
import { runExperiment } from './runner';

const probes = [{ name: 'ready', kind: 'http' as const, path: '/health/ready' }];

async function proxyState(apiUrl: string, name: string) {
  const p = await new Toxiproxy(apiUrl).get(name);
  const toxics = (await (await fetch(`${apiUrl}/proxies/${name}/toxics`)).json()) as unknown[];
  return { enabled: p.enabled, toxics: toxics.length };
}

describe('chaos runner against an assembled stack (real redis, built-in Toxiproxy)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaos-runner-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rolls back every toxic and partition after an injected harness failure, and rethrows it', async () => {
    await using stack = await assembleStandInStack();
    const def = defineExperiment({
      name: 'rollback-check',
      description: 'latency then a partition; the harness fails after the partition',
      scenario: 'steady',
      duration: '3s',
      load: { rate: 10 },
      hypothesis: { probes },
      method: [
        { at: '200ms', duration: '2s', link: 'gateway->redis', toxic: { type: 'latency', attributes: { latency: 50 } } },
        { at: '300ms', duration: '2s', link: 'client->gateway', toxic: { partition: true } },
      ],
      verify: {},
    });
    let injected = 0;
    await assert.rejects(
      runExperiment(def, {
        stack,
        runDir: dir,
        seed: 5,
        onFaultInjected: () => {
          if (++injected === 2) throw new Error('simulated harness crash');
        },
      }),
      /simulated harness crash/,
    );
    assert.equal(injected, 2);
    assert.deepEqual(await proxyState(stack.toxiproxy!.apiUrl, 'standin-redis'), { enabled: true, toxics: 0 });
    assert.deepEqual(await proxyState(stack.toxiproxy!.apiUrl, 'standin-gateway'), { enabled: true, toxics: 0 });
    const journal = readFileSync(join(dir, 'chaos-journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(journal.map((e) => e.event).filter((e) => e !== 'probe'), ['start', 'schedule', 'hypothesis', 'load-started', 'inject', 'inject', 'load-stopped', 'error', 'rollback']);
    assert.equal(journal.at(-1).ok, true);
  });

  it('runs a short experiment: phases tagged, journal written, recovery measured, verdict passed', async () => {
    await using stack = await assembleStandInStack();
    const def = defineExperiment({
      name: 'short-partition',
      description: 'redis partitioned for 1 s',
      scenario: 'steady',
      duration: '3s',
      load: { rate: 20, timeout: '2s' },
      hypothesis: { probes, thresholds: { 'http_req_failed{phase:baseline}': ['rate<0.01'] }, errorRateSlo: 0.05 },
      method: [{ at: '1s', duration: '1s', link: 'gateway->redis', toxic: { partition: true } }],
      verify: { recoveryWithin: '1s' },
    });
    const r = await runExperiment(def, { stack, runDir: dir, seed: 9, probeIntervalMs: 300 });
    assert.equal(r.verdict, 'passed', r.problems.join('\n'));
    assert.deepEqual(Object.keys(r.requests.byPhase).sort(), ['baseline', 'fault:gateway-redis-partition', 'recovery']);
    assert.ok(r.requests.byPhase['fault:gateway-redis-partition'].failed > 0, 'the partition caused failures');
    assert.equal(r.requests.byPhase.baseline.failed, 0);
    assert.equal(r.recovery.length, 1);
    assert.ok(r.recovery[0].recoveryMs !== undefined && r.recovery[0].recoveryMs <= 1000, `recovery ${r.recovery[0].recoveryMs}`);
    assert.ok(r.hypothesis.during.some((p) => p.phase.startsWith('fault:') && !p.ok), 'readiness probe failed during the partition');
    const samples = readFileSync(r.samplesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const points = samples.filter((s) => s.type === 'Point');
    assert.ok(points.length > 0 && points.every((s) => typeof s.data.tags.phase === 'string'));
    assert.deepEqual([...new Set(points.map((s) => s.data.tags.phase))].sort(), ['baseline', 'fault:gateway-redis-partition', 'recovery']);
    assert.deepEqual(await proxyState(stack.toxiproxy!.apiUrl, 'standin-redis'), { enabled: true, toxics: 0 });
  });
});
