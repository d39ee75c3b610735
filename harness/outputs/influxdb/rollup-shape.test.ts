import assert from 'node:assert/strict';
import type { RunTags } from './point-tags';
import { RawShape } from './raw-shape';
import { RollupShape } from './rollup-shape';
import type { StreamSample } from './sample-source';

const run: RunTags = { runId: 'r1', testId: 'r1', dropTags: new Set(['vu', 'iter', 'url']) };
const T0 = 1764485000000; // a whole second
const s = (metric: string, t: number, value: number, tags: Record<string, string> = {}): StreamSample => ({ metric, time: T0 + t, value, tags: { scenario: 'default', ...tags } });

function parse(line: string) {
  const [head, fieldText, ts] = line.split(' ');
  const [measurement, ...tags] = head.split(',');
  const fields = Object.fromEntries(fieldText.split(',').map((f) => f.split('=')));
  return { measurement, tags: Object.fromEntries(tags.map((t) => t.split('='))), fields, ts };
}

describe('influxdb: point shapes', () => {
  it('rollup: one point per metric, tag set and second with count, sum, min, max, mean and trend percentiles', () => {
    const r = new RollupShape(run, 1000);
    r.metricType('http_req_duration', 'trend');
    const lines: string[] = [];
    const emit = (l: string) => lines.push(l);
    for (let i = 1; i <= 100; i++) r.add(s('http_req_duration', i * 5, i, { status: '200', name: 'n', url: 'http://x/1', vu: String(i % 7) }), emit);
    r.add(s('http_reqs', 10, 1, { status: '200' }), emit);
    r.add(s('http_reqs', 20, 1, { status: '500' }), emit);
    assert.equal(lines.length, 0, 'nothing before the second closes');
    r.add(s('vus', 2100, 5), emit); // stream time 2.1 s: second 0 closes (grace 1 s)
    assert.equal(lines.length, 3);
    const d = parse(lines.find((l) => l.startsWith('http_req_duration'))!);
    assert.deepEqual(d.tags, { name: 'n', run_id: 'r1', scenario: 'default', status: '200', testid: 'r1' }, 'vu, iter and url (a name exists) dropped');
    assert.equal(d.ts, `${T0 / 1000}000000000`);
    assert.equal(d.fields.count, '100i');
    assert.equal(Number(d.fields.sum), 5050);
    assert.equal(Number(d.fields.min), 1);
    assert.equal(Number(d.fields.max), 100);
    assert.equal(Number(d.fields.mean), 50.5);
    // HDR: 3 significant digits (the highest value equivalent to the percentile's bucket)
    const near = (got: string, want: number) => assert.ok(Math.abs(Number(got) - want) <= want * 0.001, `${got} ≈ ${want}`);
    near(d.fields.p50, 50);
    near(d.fields.p90, 90);
    near(d.fields.p95, 95);
    near(d.fields.p99, 99);
    assert.equal(parse(lines.find((l) => l.startsWith('http_reqs'))!).fields.p50, undefined, 'counters have no percentiles');
    r.flush(emit);
    assert.equal(lines.length, 4);
  });

  it('rollup: a sample later than its closed second goes to the oldest open one, never a second point', () => {
    const r = new RollupShape(run, 0);
    const lines: string[] = [];
    r.add(s('http_reqs', 100, 1), (l) => lines.push(l));
    r.add(s('http_reqs', 1100, 1), (l) => lines.push(l)); // closes second 0
    r.add(s('http_reqs', 200, 1), (l) => lines.push(l)); // late for second 0
    r.flush((l) => lines.push(l));
    assert.equal(r.late, 1);
    assert.deepEqual(lines.map((l) => [parse(l).ts, parse(l).fields.count]), [
      [`${T0 / 1000}000000000`, '1i'],
      [`${T0 / 1000 + 1}000000000`, '2i'],
    ]);
  });

  it('url is kept when there is no name tag; dropTags is configurable', () => {
    const lines: string[] = [];
    new RollupShape(run).add(s('http_reqs', 1, 1, { url: 'http://x/a' }), () => {});
    const r = new RollupShape({ ...run, dropTags: new Set() });
    r.add(s('http_reqs', 1, 1, { url: 'http://x/a', vu: '3', name: 'n' }), () => {});
    r.flush((l) => lines.push(l));
    assert.equal(parse(lines[0]).tags.vu, '3');
    const r2 = new RollupShape(run);
    r2.add(s('http_reqs', 1, 1, { url: 'http://x/a' }), () => {});
    r2.flush((l) => lines.push(l));
    assert.equal(parse(lines[1]).tags.url, 'http://x/a');
  });

  it('raw: k6 schema, one point per sample, vu/iter/url as fields, timestamps to the µs', () => {
    const lines: string[] = [];
    new RawShape(run).add(s('http_req_duration', 1.234567, 12.5, { status: '200', vu: '3', iter: '7', url: 'http://x/a', name: 'n' }), (l) => lines.push(l));
    assert.deepEqual(lines, [`http_req_duration,name=n,run_id=r1,scenario=default,status=200,testid=r1 value=12.5,vu=3i,iter=7i,url="http://x/a" ${T0 + 1}235000`]);
  });

  it('chaos: the phase tag of a tagged stream becomes chaos_phase and fault', () => {
    const lines: string[] = [];
    const raw = new RawShape(run);
    raw.add(s('http_reqs', 1, 1, { phase: 'fault:latency-spike' }), (l) => lines.push(l));
    raw.add(s('http_reqs', 2, 1, { phase: 'recovery' }), (l) => lines.push(l));
    assert.deepEqual(parse(lines[0]).tags, { chaos_phase: 'fault', fault: 'latency-spike', run_id: 'r1', scenario: 'default', testid: 'r1' });
    assert.equal(parse(lines[1]).tags.chaos_phase, 'recovery');
    assert.equal(parse(lines[1]).tags.fault, undefined);
  });
});
