import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLiveStats, LiveStats } from './live-stats';

const t = '2026-11-22T06:41:04.121223835Z';
const req = (status = 200) =>
  `{"metric":"http_reqs","type":"Point","data":{"time":"${t}","value":1,"tags":{"expected_response":"${status < 400}","method":"POST","status":"${status}"}}}\n`;
const failed = (v: 0 | 1) => `{"metric":"http_req_failed","type":"Point","data":{"time":"${t}","value":${v},"tags":{"method":"POST"}}}\n`;
const iteration = () => `{"metric":"iterations","type":"Point","data":{"time":"${t}","value":1,"tags":{"group":"","scenario":"ingest"}}}\n`;
const vus = (n: number) => `{"metric":"vus","type":"Point","data":{"time":"${t}","value":${n},"tags":{}}}\n`;
const metricLine = '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}\n';

describe('LiveStats', () => {
  let dir: string;
  let file: string;
  let now: number;
  let lines: string[];
  const stats = (o: { bufferBytes?: number } = {}) => new LiveStats({ path: file, write: (l) => lines.push(l), now: () => now, ...o });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'live-stats-'));
    file = join(dir, 'samples.ndjson');
    now = 10_000;
    lines = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('waits for the file, then counts requests, failures, iterations and the latest VUs', () => {
    const s = stats();
    s.poll(); // the engine has not created the file yet
    assert.equal(s.snapshot().requests, 0);
    appendFileSync(file, metricLine + vus(3) + req() + failed(0) + iteration() + req(500) + failed(1) + iteration() + vus(7));
    s.poll();
    const snap = s.snapshot();
    assert.deepEqual([snap.requests, snap.errors, snap.iterations, snap.vus], [2, 1, 2, 7]);
    s.stop();
  });

  it('carries a line split across two polls and counts it once', () => {
    const s = stats();
    const whole = req() + failed(1);
    const cut = whole.length - 20; // inside the http_req_failed line
    appendFileSync(file, whole.slice(0, cut));
    s.poll();
    assert.deepEqual([s.snapshot().requests, s.snapshot().errors], [1, 0], 'the partial line is not counted yet');
    appendFileSync(file, whole.slice(cut));
    s.poll();
    assert.deepEqual([s.snapshot().requests, s.snapshot().errors], [1, 1]);
    // a cut inside the prefix itself
    appendFileSync(file, '{"metric":"http_re');
    s.poll();
    appendFileSync(file, `qs","type":"Point","data":{"time":"${t}","value":1,"tags":{}}}\n`);
    s.poll();
    assert.equal(s.snapshot().requests, 2);
    s.stop();
  });

  it('reads in small chunks and grows for a line longer than its buffer', () => {
    const s = stats({ bufferBytes: 64 });
    const long = `{"metric":"http_reqs","type":"Point","data":{"time":"${t}","value":1,"tags":{"url":"${'x'.repeat(500)}"}}}\n`;
    let content = '';
    for (let i = 0; i < 50; i++) content += req() + failed(i % 10 === 0 ? 1 : 0) + long + iteration() + vus(i);
    appendFileSync(file, content);
    s.poll();
    const snap = s.snapshot();
    assert.deepEqual([snap.requests, snap.errors, snap.iterations, snap.vus], [100, 5, 50, 49]);
    assert.equal(readFileSync(file, 'utf8'), content);
    s.stop();
  });

  it('ignores Metric lines, other metrics and look-alike tags that do not start a line', () => {
    const s = stats();
    const lookalike = `{"metric":"checks","type":"Point","data":{"time":"${t}","value":1,"tags":{"metric":"http_reqs","type":"Point"}}}\n`;
    const similar = `{"metric":"http_reqs_total","type":"Point","data":{"time":"${t}","value":1,"tags":{}}}\n{"metric":"vus_max","type":"Point","data":{"time":"${t}","value":99,"tags":{}}}\n`;
    appendFileSync(file, metricLine + lookalike + similar + vus(4));
    s.poll();
    const snap = s.snapshot();
    assert.deepEqual([snap.requests, snap.errors, snap.iterations, snap.vus], [0, 0, 0, 4]);
    s.stop();
  });

  it('decodes with the one stream decoder: a Point line in another key order or with whitespace counts too', () => {
    const s = stats();
    const reordered = `{"type":"Point","metric":"http_reqs","data":{"tags":{"status":"200"},"value":1,"time":"${t}"}}\n`;
    const spaced = `{ "metric": "http_req_failed", "type": "Point", "data": { "time": "${t}", "value": 1, "tags": {} } }\n`;
    appendFileSync(file, reordered + spaced + 'not json\n' + vus(2));
    s.poll();
    const snap = s.snapshot();
    assert.deepEqual([snap.requests, snap.errors, snap.iterations, snap.vus], [1, 1, 0, 2]);
    s.stop();
  });

  it('rates: since the previous report and over the whole run, from the first data seen', () => {
    const s = stats();
    now = 11_000;
    appendFileSync(file, req().repeat(100));
    s.tick(); // first data at 11 s
    now = 16_000;
    appendFileSync(file, req().repeat(400));
    s.tick(); // 5 s after the first data: a report
    assert.equal(lines.length, 1);
    let snap = s.snapshot();
    assert.equal(snap.requests, 500);
    assert.equal(snap.avgRate, 100);
    now = 18_000;
    appendFileSync(file, req().repeat(600));
    s.tick(); // not due yet
    assert.equal(lines.length, 1);
    snap = s.snapshot();
    assert.equal(snap.intervalRate, 300, '600 requests in the 2 s since the last report');
    assert.equal(snap.avgRate, 1100 / 7);
    assert.equal(snap.elapsedMs, 7000);
    now = 21_000;
    s.tick(); // due, with new data
    assert.equal(lines.length, 2);
    now = 30_000;
    s.tick(); // due, but the stream stopped growing: quiet
    assert.equal(lines.length, 2);
  });

  it('stop() prints a final line, closes, and later polls do nothing', () => {
    const s = stats();
    appendFileSync(file, req() + failed(1) + req() + failed(0) + iteration() + vus(2));
    now = 12_000;
    s.tick();
    now = 14_500;
    s.stop();
    s.stop();
    assert.equal(lines.length, 1);
    assert.equal(lines[0], '  live: 2 requests  1 req/s (avg 1)  errors 1 (50.00%)  iterations 1  VUs 2  elapsed 0m02s');
    appendFileSync(file, req());
    s.poll();
    assert.equal(s.snapshot().requests, 2);
  });

  it('stop() prints nothing when the engine never wrote a sample', () => {
    const s = stats().start();
    s.stop();
    assert.deepEqual(lines, []);
  });

  it('formats thousands and long runs', () => {
    assert.equal(
      formatLiveStats({ requests: 12_345, errors: 3, iterations: 12_001, vus: 150, elapsedMs: 81_900, avgRate: 1950.4, intervalRate: 1987.2 }),
      '  live: 12,345 requests  1,987 req/s (avg 1,950)  errors 3 (0.02%)  iterations 12,001  VUs 150  elapsed 1m21s',
    );
    assert.match(formatLiveStats({ requests: 0, errors: 0, iterations: 0, vus: undefined, elapsedMs: 0, avgRate: 0, intervalRate: 0 }), /errors 0 \(0\.00%\).*VUs -  elapsed 0m00s/);
  });
});
