import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxSink, isLoopback } from './influx-sink';
import { PointWriter } from './point-writer';
import { Spool } from './spool';
import { useVictoriaMetrics } from './testing/victoria-metrics';

const settings = (url: string) => ({ url, org: 'harness', bucket: 'k6', shape: 'rollup' as const, dropTags: [] });
/** One distinct series and timestamp per point, so a point written twice shows up in the count. */
const line = (i: number) => `outage,run_id=t p=${i}i ${1764485000 + i}000000000`;

describe('influxdb: PointWriter against a real VictoriaMetrics (outage, spool, replay)', function () {
  this.timeout(90_000);
  const vm = useVictoriaMetrics();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'influx-writer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('server stopped mid-stream and started again: written + replayed = produced, nothing twice', async () => {
    const sink = new InfluxSink(settings(vm.url), { timeoutMs: 2000 });
    const w = new PointWriter(sink, new Spool(dir), { batchLines: 100, flushMs: 50, maxQueuedBatches: 3, minBackoffMs: 50, maxBackoffMs: 200 });
    const pace = () => new Promise((r) => setTimeout(r, 10));
    let i = 0;
    for (; i < 1000; i++) if ((w.add(line(i)), i % 50 === 0)) await pace();
    await vm.stop();
    for (; i < 3000; i++) if ((w.add(line(i)), i % 50 === 0)) await pace();
    assert.ok(w.stats.spooled > 0, 'points were spooled while the server was down');
    assert.ok(readdirSync(join(dir, 'influxdb-spool')).length > 0);
    await vm.start();
    for (; i < 4000; i++) if ((w.add(line(i)), i % 50 === 0)) await pace();
    const stats = await w.close();
    sink.close();
    assert.equal(stats.produced, 4000);
    assert.equal(stats.written + stats.replayed, stats.produced, JSON.stringify(stats));
    assert.equal(stats.replayed, stats.spooled);
    assert.deepEqual(readdirSync(join(dir, 'influxdb-spool')), [], 'replayed segments are removed');
    const series = (await vm.export()).filter((s) => s.metric.__name__ === 'outage_p');
    const values = series.flatMap((s) => s.values).sort((a, b) => a - b);
    assert.equal(values.length, 4000, 'every point arrived exactly once');
    assert.deepEqual(values, Array.from({ length: 4000 }, (_, k) => k));
  });

  it('InfluxSink: lines, text or bytes, gzip\'d or plain, all arrive; a rejected write says the status and why', async () => {
    const plain = new InfluxSink(settings(vm.url));
    const gzipped = new InfluxSink(settings(vm.url), { gzip: true });
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, k) => line(from + k).replace('outage,', 'sink,'));
    await plain.write(lines(20_000, 100));
    await plain.write(Buffer.from(`${lines(20_100, 100).join('\n')}\n`));
    await gzipped.write(lines(20_200, 100)); // above 1 KiB: compressed
    await gzipped.write(`${lines(20_300, 100).join('\n')}\n`);
    const wrong = new InfluxSink(settings(`${vm.url}/no-such-prefix`));
    await assert.rejects(wrong.write(lines(0, 1)), /HTTP 4\d\d from http:\/\/127\.0\.0\.1:\d+\/no-such-prefix\/api\/v2\/write: ./);
    wrong.close();
    plain.close();
    gzipped.close();
    const values = (await vm.export()).filter((x) => x.metric.__name__ === 'sink_p').flatMap((x) => x.values).sort((a, b) => a - b);
    assert.deepEqual(values, Array.from({ length: 400 }, (_, k) => 20_000 + k));
    assert.ok(isLoopback(vm.url) && isLoopback('http://localhost:8086') && isLoopback('http://[::1]:8086'));
    assert.ok(!isLoopback('https://influx.example.com') && !isLoopback('http://10.0.0.5:8086'));
  });

  it('server down at the end: the rest stays in the spool and a later replay is exactly once', async () => {
    await vm.stop();
    const sink = new InfluxSink(settings(vm.url), { timeoutMs: 2000 });
    const w = new PointWriter(sink, new Spool(dir), { batchLines: 100, flushMs: 50, minBackoffMs: 50 });
    for (let i = 10_000; i < 10_500; i++) w.add(line(i));
    const stats = await w.close();
    assert.deepEqual({ ...stats }, { produced: 500, written: 0, spooled: 500, replayed: 0 });
    assert.equal(new Spool(dir).pendingLines(), 500);
    await vm.start();
    const r = await new Spool(dir).replay((l) => sink.write(l), 200);
    assert.equal(r.replayed, 500);
    assert.equal((await new Spool(dir).replay((l) => sink.write(l), 200)).replayed, 0, 'a second replay sends nothing');
    sink.close();
    const values = (await vm.export()).filter((s) => s.metric.__name__ === 'outage_p').flatMap((s) => s.values).filter((v) => v >= 10_000);
    assert.equal(values.length, 500);
  });
});
