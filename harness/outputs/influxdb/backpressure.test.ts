import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSampleBatches, SampleFileWriter } from '../../../vocabulary';
import { influxdbOutput, type InfluxOutputContext } from './influxdb-output';
import { InfluxSink } from './influx-sink';
import type { SampleSource } from './sample-source';
import { useVictoriaMetrics } from './testing/victoria-metrics';

describe('influxdb: a server slower than the stream (backpressure)', function () {
  this.timeout(90_000);
  const vm = useVictoriaMetrics();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'influx-backpressure-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the reading waits for the server: never more than the queue ahead of it, nothing spooled, every point written', async () => {
    const samples = 20_000;
    const file = join(dir, 'samples.ndjson');
    const t0 = Date.UTC(2026, 10, 30, 9, 0, 0);
    {
      using w = new SampleFileWriter(file);
      w.metric({ name: 'http_req_duration', type: 'trend', contains: 'time', thresholds: [], submetrics: null });
      for (let i = 0; i < samples; i++) w.point({ metric: 'http_req_duration', time: t0 + i * 0.01, value: i, tags: { status: '202', scenario: 'default' } });
    }
    let read = 0;
    let sent = 0;
    let ahead = 0;
    // the project's reader, counting what it hands out; the real sink, 20 ms slower per request
    const source: SampleSource = async function* (path, opts) {
      for await (const batch of readSampleBatches(path, opts)) {
        read += batch.filter((r) => r.type === 'Point').length;
        yield batch;
      }
    };
    const batchLines = 500;
    const maxQueuedBatches = 2;
    const out = influxdbOutput(`${vm.url}/k6`, { url: vm.url, org: 'harness', bucket: 'k6', shape: 'raw', dropTags: [], sampleTarget: false }, {
      source,
      writer: { batchLines, maxQueuedBatches },
      sink: (s) => {
        const real = new InfluxSink(s);
        return {
          async write(lines) {
            ahead = Math.max(ahead, read - sent);
            await sleep(20);
            await real.write(lines);
            sent += typeof lines === 'string' || !Array.isArray(lines) ? String(Buffer.from(lines as Uint8Array | string)).split('\n').filter(Boolean).length : lines.length;
          },
          close: () => real.close(),
        };
      },
    });
    const ctx: InfluxOutputContext = { runId: 'slow', runDir: dir, cwd: dir, log: () => {} };
    await out.onEngineStart(file, ctx);
    await out.onSamplesFile(file, ctx);
    const info: Record<string, unknown> = {};
    await out.afterRun({ info }, ctx);
    const rec = info.influxdb as { produced: number; written: number; spooled: number; metricPoints: number };
    assert.deepEqual([rec.produced, rec.written, rec.spooled], [samples + rec.metricPoints, samples + rec.metricPoints, 0]);
    // queued batches + the one being sent + the one being filled, + one read batch (64 KiB) of slack
    const bound = (maxQueuedBatches + 2) * batchLines + 1000;
    assert.ok(ahead > batchLines && ahead <= bound, `the reader ran ${ahead} points ahead of the server (bound ${bound})`);
    const stored = (await vm.countSamples()).http_req_duration_value;
    assert.equal(stored, samples);
  });
});
