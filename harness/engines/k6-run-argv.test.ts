import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { harnessRoot } from '../build/paths';
import { k6RunArgv } from './k6-run-argv';
import { ProgressParser } from './progress-parser';
import type { EngineProgress } from './types';

describe('k6 run argv', () => {
  it('passes --vus/--duration as HARNESS_* env by default, so scenarios keep their executors', () => {
    assert.deepEqual(
      k6RunArgv('/r/smoke.js', {
        vus: 5,
        duration: '10s',
        env: { BASE_URL: 'http://127.0.0.1:1' },
        tags: { run: 'r1' },
        outJsonPath: '/r/k6.ndjson',
        summaryExportPath: '/r/summary.json',
        quiet: true,
      }),
      [
        'run',
        '--env', 'BASE_URL=http://127.0.0.1:1',
        '--env', 'HARNESS_VUS=5',
        '--env', 'HARNESS_DURATION=10s',
        '--tag', 'run=r1',
        '--out', 'json=/r/k6.ndjson',
        '--summary-export', '/r/summary.json',
        '--quiet',
        '/r/smoke.js',
      ],
    );
  });

  it('passes them as k6 flags for plain scripts', () => {
    assert.deepEqual(k6RunArgv('s.js', { vus: 2, duration: '3s', overrideVia: 'flags', noSummary: true, extraArgs: ['--iterations', '4'] }), [
      'run', '--vus', '2', '--duration', '3s', '--no-summary', '--iterations', '4', 's.js',
    ]);
  });

  it('hands k6 and scenarios the canonical duration text (a bare number is milliseconds)', () => {
    assert.deepEqual(k6RunArgv('s.js', { duration: '90', overrideVia: 'flags' }), ['run', '--duration', '90ms', 's.js']);
    assert.deepEqual(k6RunArgv('s.js', { duration: '90s' }), ['run', '--env', 'HARNESS_DURATION=1m30s', 's.js']);
  });
});

describe('k6 progress parser', () => {
  it('reads the progress blocks of the real k6 v0.48 recording', async () => {
    const text = await readFile(join(harnessRoot, '..', 'shared', 'reference', 'k6-v0.48', 'stdout.txt'), 'utf8').catch(() => undefined);
    const seen: EngineProgress[] = [];
    const p = new ProgressParser((x) => seen.push(x));
    const sample =
      text ??
      'running (00m01.0s), 0/6 VUs, 23 complete and 0 interrupted iterations\ningest   [  50% ] 0/5 VUs  1.0s/2s         20.00 iters/s\nprobe  ✓ [ 100% ] 1 VUs    00m00.3s/10m0s  3/3 iters, 3 per VU\n';
    // fed in awkward chunks, as a pipe delivers it
    for (let i = 0; i < sample.length; i += 7) p.write(sample.slice(i, i + 7));
    p.flush();
    assert.ok(seen.length >= 1);
    assert.deepEqual(seen[0], {
      elapsedMs: 1000,
      vus: 0,
      maxVus: 6,
      iterationsComplete: 23,
      iterationsInterrupted: 0,
      scenarios: { ingest: 0.5, probe: 1 },
    });
    if (text) assert.deepEqual(seen.map((s) => s.iterationsComplete), [23, 43, 44]);
  });

  it('parses hours and keeps going when the consumer throws', () => {
    const seen: number[] = [];
    const p = new ProgressParser((x) => {
      seen.push(x.elapsedMs);
      throw new Error('consumer bug');
    });
    p.write('running (1h02m03.5s), 10/10 VUs, 5 complete and 1 interrupted iterations\n');
    p.write('running (1h02m04.5s), 10/10 VUs, 6 complete and 1 interrupted iterations\n');
    p.write('running (1.0s), 0/5 VUs, 1 complete and 0 interrupted iterations\nstress   [  34% ] 0/5 VUs  1.0s/3s  02.36 iters/s\n');
    p.write('running (1d00h00m01.0s), 0/5 VUs, 1 complete and 0 interrupted iterations\n');
    p.flush();
    assert.deepEqual(seen, [3723500, 3724500, 1000, 86401000]);
  });
});
