import assert from 'node:assert/strict';
import type { Sample } from '../samples';
import { RollupCell, HistogramPool } from './rollup-cell';
import { SecondRollup, seriesKey, type RolledSecond } from './second-rollup';

const T0 = Date.UTC(2026, 10, 30, 6, 0, 0);
const s = (metric: string, ms: number, value: number, tags: Record<string, string> = {}): Sample => ({ metric, time: T0 + ms, value, tags });

/** What was emitted, copied (cells are lent and recycled). */
function collect() {
  const out: Array<{ metric: string; tags: Record<string, string>; second: number; count: number; sum: number; min: number; max: number; p50: number; p99: number }> = [];
  const emit = (r: RolledSecond) => out.push({ metric: r.metric, tags: r.tags, second: r.second - T0 / 1000, count: r.cell.count, sum: r.cell.sum, min: r.cell.min, max: r.cell.max, p50: r.cell.percentile(50), p99: r.cell.percentile(99) });
  return { out, emit };
}

describe('vocabulary/rollup SecondRollup', () => {
  it('one cell per metric, tag set and second: count, sum, min, max, and percentiles for trends', () => {
    const r = new SecondRollup();
    r.metricType('http_req_duration', 'trend');
    const { out, emit } = collect();
    for (let i = 1; i <= 100; i++) r.add(s('http_req_duration', 9 * i, i, { status: '200' }), emit);
    r.add(s('http_reqs', 5, 1, { status: '200' }), emit);
    r.add(s('http_reqs', 6, 1, { status: '503' }), emit);
    r.flush(emit);
    const d = out.find((x) => x.metric === 'http_req_duration')!;
    assert.deepEqual([d.second, d.count, d.sum, d.min, d.max], [0, 100, 5050, 1, 100]);
    assert.ok(Math.abs(d.p50 - 50) <= 0.05, `p50 ${d.p50}`);
    assert.ok(Math.abs(d.p99 - 99) <= 0.1, `p99 ${d.p99}`);
    const reqs = out.filter((x) => x.metric === 'http_reqs');
    assert.deepEqual(reqs.map((x) => x.tags.status).sort(), ['200', '503']);
    assert.ok(Number.isNaN(reqs[0].p50), 'a counter has no histogram');
  });

  it('closes a second once the stream is graceMs past its end, and never emits a series-second twice', () => {
    const r = new SecondRollup({ graceMs: 1000 });
    const { out, emit } = collect();
    r.add(s('vus', 100, 5), emit);
    r.add(s('vus', 1900, 6), emit); // second 1 open; second 0 still within grace
    assert.equal(out.length, 0);
    r.add(s('vus', 2100, 7), emit); // watermark - grace = 1.1 s: second 0 closes
    assert.deepEqual(out.map((x) => [x.second, x.max]), [[0, 5]]);
    r.add(s('vus', 50, 9), emit); // late: into the oldest open second, counted
    assert.equal(r.late, 1);
    r.flush(emit);
    assert.deepEqual(out.map((x) => [x.second, x.count]), [[0, 1], [1, 2], [2, 1]]);
  });

  it('keys series by the projected tags, independent of tag order', () => {
    const r = new SecondRollup({ series: (x) => ({ status: x.tags.status }) });
    const { out, emit } = collect();
    r.add(s('http_reqs', 1, 1, { status: '200', url: 'a' }), emit);
    r.add(s('http_reqs', 2, 1, { url: 'b', status: '200' }), emit);
    r.flush(emit);
    assert.equal(out.length, 1);
    assert.equal(out[0].count, 2);
    assert.equal(seriesKey({ b: '1', a: '2' }), seriesKey({ a: '2', b: '1' }));
  });

  it('a series can be any value with its own key (the InfluxDB shape keys by pre-encoded tags)', () => {
    const r = new SecondRollup<string>({ series: (x) => `,status=${x.tags.status}`, key: (t) => t });
    const got: string[] = [];
    r.add(s('http_reqs', 1, 1, { status: '200', url: 'a' }), () => {});
    r.add(s('http_reqs', 2, 1, { status: '200', url: 'b' }), () => {});
    r.flush((x) => got.push(`${x.metric}${x.tags} ${x.cell.count}`));
    assert.deepEqual(got, ['http_reqs,status=200 2']);
  });

  it('WebAssembly histograms give the same percentiles as JS ones, and are reused across seconds', () => {
    const run = (wasmHistograms: boolean) => {
      const r = new SecondRollup({ wasmHistograms });
      r.metricType('http_req_duration', 'trend');
      const { out, emit } = collect();
      let x = 7;
      for (let i = 0; i < 20_000; i++) {
        x = (x * 48271) % 2147483647; // deterministic spread over six orders of magnitude
        r.add(s('http_req_duration', i, (x % 1_000_000) / 1000 + (i % 3 === 0 ? 1e6 : 0), { status: String(200 + (i % 2)) }), emit);
      }
      r.flush(emit);
      return out;
    };
    const wasm = run(true);
    assert.equal(wasm.length, 2 * 20);
    assert.deepEqual(wasm, run(false));
  });

  it('RollupCell.merge adds counts and histograms; percentiles stay within [min, max]', () => {
    const pool = new HistogramPool();
    const a = new RollupCell(pool.take());
    const b = new RollupCell(pool.take());
    a.add(1);
    b.add(116.117);
    a.merge(b);
    assert.deepEqual([a.count, a.min, a.max], [2, 1, 116.117]);
    assert.ok(a.percentile(100) <= 116.117);
  });
});
