import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLine, LineTail, readSamples, SampleFileWriter, type StreamRecord } from './index';

const metricLine = '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}\n';
const point = (v: number, tags = '{"status":"202"}') => `{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-22T06:41:04.121223835Z","value":${v},"tags":${tags}}}\n`;

async function collect(it: AsyncIterable<StreamRecord>): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe('vocabulary/samples: the k6 JSON stream', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'samples-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes Metric and Point lines into the one Sample type (ns kept as far as a float of ms allows)', () => {
    const r = decodeLine(point(1).trim());
    assert.equal(r?.type, 'Point');
    if (r?.type !== 'Point') return;
    assert.deepEqual({ ...r.sample, time: undefined }, { metric: 'http_reqs', time: undefined, value: 1, tags: { status: '202' } });
    assert.ok(Math.abs(r.sample.time - (Date.parse('2026-11-22T06:41:04.121Z') + 0.223835)) < 0.001);
    assert.equal(decodeLine(metricLine)?.type, 'Metric');
    for (const bad of ['', '   ', '{"cut', '{"type":"Other","metric":"x","data":{}}', '[]', 'null']) assert.equal(decodeLine(bad), undefined, bad);
  });

  it('reads a file in bounded batches: a tiny buffer grows only to the longest line; a missing file is empty', async () => {
    const file = join(dir, 's.ndjson');
    const long = point(7, `{"url":"${'x'.repeat(5000)}"}`);
    writeFileSync(file, metricLine + point(1) + long + point(2) + '{"cut');
    const records = await collect(readSamples(file, { bufferBytes: 64 }));
    assert.deepEqual(records.map((r) => (r.type === 'Point' ? r.sample.value : r.metric.name)), ['http_reqs', 1, 7, 2]);
    assert.deepEqual(await collect(readSamples(join(dir, 'nope.ndjson'))), []);
  });

  it('decodes a last line without its newline at the end', async () => {
    const file = join(dir, 's.ndjson');
    writeFileSync(file, point(1) + point(2).trim());
    assert.equal((await collect(readSamples(file))).length, 2);
  });

  it('follows a growing file (created late, lines split across writes) until aborted', async () => {
    const file = join(dir, 'live.ndjson');
    const ctl = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const r of readSamples(file, { follow: true, signal: ctl.signal, pollMs: 5 })) if (r.type === 'Point') seen.push(r.sample.value);
    })();
    const until = async (n: number) => {
      for (let i = 0; i < 2000 && seen.length < n; i++) await new Promise((res) => setTimeout(res, 5));
    };
    await new Promise((res) => setTimeout(res, 20));
    writeFileSync(file, metricLine + point(1));
    await until(1);
    const half = point(2);
    appendFileSync(file, half.slice(0, 30));
    await new Promise((res) => setTimeout(res, 30));
    assert.deepEqual(seen, [1], 'a partial line is not decoded early');
    appendFileSync(file, half.slice(30) + point(3));
    await until(3);
    appendFileSync(file, point(4)); // written just before the abort: the last read still gets it
    ctl.abort();
    await reading;
    assert.deepEqual(seen, [1, 2, 3, 4]);
  });

  it('LineTail hands out complete lines only and reports how far it read', () => {
    const file = join(dir, 't.ndjson');
    using tail = new LineTail(file, { bufferBytes: 16 });
    assert.equal(tail.read(), undefined);
    writeFileSync(file, 'abc\nde');
    assert.equal(tail.read()?.toString(), 'abc\n');
    assert.equal(tail.read(), undefined);
    assert.equal(tail.partial.toString(), 'de');
    appendFileSync(file, 'f\n');
    assert.equal(tail.read()?.toString(), 'def\n');
    assert.equal(tail.offset, 8);
  });

  it('writes through the one encoder, and reads back what it wrote', async () => {
    const file = join(dir, 'w.ndjson');
    const w = new SampleFileWriter(file);
    w.metric({ name: 'http_req_duration', type: 'trend', contains: 'time', thresholds: ['p(95)<200'], submetrics: null });
    w.point({ metric: 'http_req_duration', time: Date.parse('2026-01-02T03:04:05Z') + 1.5, value: 1234567.5, tags: { url: 'http://x/?a=1&b=2', phase: 'baseline' } });
    w.close();
    w.close();
    assert.equal(
      readFileSync(file, 'utf8'),
      '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)<200"],"submetrics":null},"metric":"http_req_duration"}\n' +
        '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-02T03:04:05.0015Z","value":1.2345675e+06,"tags":{"phase":"baseline","url":"http://x/?a=1\\u0026b=2"}}}\n',
    );
    const back = await collect(readSamples(file));
    assert.deepEqual(back[1], { type: 'Point', sample: { metric: 'http_req_duration', time: Date.parse('2026-01-02T03:04:05Z') + 1.5, value: 1234567.5, tags: { phase: 'baseline', url: 'http://x/?a=1&b=2' } } });
  });

  it('reads a .gz stream (k6 --out json=file.gz) streaming, the same records as the plain file; a cut-short one up to where it breaks', async () => {
    const plain = metricLine + point(1) + point(2, '{"name":"ünïcødé ✓"}') + Array.from({ length: 5000 }, (_, i) => point(i + 3)).join('');
    const file = join(dir, 's.ndjson.gz');
    writeFileSync(file, gzipSync(plain));
    writeFileSync(join(dir, 's.ndjson'), plain);
    const fromGz = await collect(readSamples(file));
    assert.equal(fromGz.length, 5003);
    assert.deepEqual(fromGz, await collect(readSamples(join(dir, 's.ndjson'))));
    const gz = gzipSync(plain);
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const cut = await collect(readSamples(file));
    assert.ok(cut.length > 2 && cut.length < 5003, `${cut.length} records before the cut`);
    assert.deepEqual(await collect(readSamples(join(dir, 'nope.ndjson.gz'))), []);
    await assert.rejects(collect(readSamples(file, { follow: true })), /cannot be followed/);
  });
});
