import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { createMetricRegistry, MetricsEngine } from '../metrics';
import { parseThresholdsConfig, ThresholdsEvaluator } from '../../../vocabulary';
import { builtinOutputs } from './builtins';
import { encodeSamples, parseJsonStream } from './json-output';
import type { Sample } from '../types';
import { parseOutputSpec, startOutputs, stopOutputs } from './registry';
import type { Output } from './types';

function engineWithThresholds() {
  const registry = createMetricRegistry();
  const engine = new MetricsEngine({ registry });
  const { config } = parseThresholdsConfig({
    http_req_failed: ['rate<0.01', { threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '1m30s' }],
    'http_req_duration{url:"http://x/?a=1&b=2"}': ['p(95)<200'],
  });
  new ThresholdsEvaluator(config, engine);
  return engine;
}
const t0 = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('--out json', () => {
  it('writes Metric lines once, then Points, to a file; parses back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-json-'));
    const engine = engineWithThresholds();
    const out = builtinOutputs().create('json=points.ndjson', { metrics: engine, cwd: dir, stdout: new PassThrough(), env: {} });
    assert.equal(out.description(), 'json (points.ndjson)');
    engine.setOutputs([out]);
    await out.start();
    engine.push({ metric: 'http_req_failed', time: t0 + 0.25, value: 1, tags: { status: '0', url: 'http://x/?a=1&b=2' } });
    engine.push({ metric: 'http_req_duration', time: t0 + 1, value: 1234567.5, tags: { url: 'http://x/?a=1&b=2' } });
    engine.push({ metric: 'http_req_failed', time: t0 + 2, value: 0, tags: {} , metadata: { vu: '1' } });
    engine.flushOutputs();
    await out.stop();
    await out.stop(); // idempotent
    const text = readFileSync(join(dir, 'points.ndjson'), 'utf8');
    assert.equal(
      text,
      [
        '{"type":"Metric","data":{"name":"http_req_failed","type":"rate","contains":"default","thresholds":["rate<0.01",{"threshold":"rate<0.5","abortOnFail":true,"delayAbortEval":"1m30s"}],"submetrics":null},"metric":"http_req_failed"}',
        '{"metric":"http_req_failed","type":"Point","data":{"time":"2026-01-02T03:04:05.00025Z","value":1,"tags":{"status":"0","url":"http://x/?a=1\\u0026b=2"}}}',
        '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":[{"name":"http_req_duration{url:\\"http://x/?a=1\\u0026b=2\\"}","suffix":"url:\\"http://x/?a=1\\u0026b=2\\"","tags":{"url":"http://x/?a=1\\u0026b=2"}},{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}',
        '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-02T03:04:05.001Z","value":1.2345675e+06,"tags":{"url":"http://x/?a=1\\u0026b=2"}}}',
        '{"metric":"http_req_failed","type":"Point","data":{"time":"2026-01-02T03:04:05.002Z","value":0,"tags":{},"metadata":{"vu":"1"}}}',
        '',
      ].join('\n'),
    );
    const back = parseJsonStream(text);
    assert.equal(back.samples.length, 3);
    assert.deepEqual(back.samples[0], { metric: 'http_req_failed', time: t0 + 0.25, value: 1, tags: { status: '0', url: 'http://x/?a=1&b=2' } });
    assert.deepEqual(back.metrics.get('http_req_duration')?.submetrics?.[0].tags, { url: 'http://x/?a=1&b=2' });
  });

  it('a file gets exactly the encoded lines across growing and reused buffers, multi-byte text included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-json-'));
    const engine = engineWithThresholds();
    const out = builtinOutputs().create('json=big.ndjson', { metrics: engine, cwd: dir, stdout: new PassThrough(), env: {} });
    await out.start();
    const shared = { check: 'température ✓ 😀', group: '::日本' };
    const batches: Sample[][] = [];
    for (let b = 0; b < 6; b++) {
      const batch: Sample[] = [];
      // batch 3 is larger than the first buffer (256 KiB): the buffer grows
      for (let i = 0; i < (b === 3 ? 6000 : 300); i++) batch.push({ metric: i % 2 ? 'checks' : 'http_req_duration', time: t0 + b * 1000 + i * 0.001, value: i * 1.5, tags: i % 3 ? shared : { n: String(i) } });
      batches.push(batch);
      out.write(batch);
      if (b % 2) await new Promise((r) => setTimeout(r, 30)); // let writes complete: their buffers get reused
    }
    await out.stop();
    const seen = new Set<string>();
    const want = batches.map((b) => encodeSamples(b, seen, engine)).join('');
    assert.equal(readFileSync(join(dir, 'big.ndjson'), 'utf8'), want);
  });

  it('gzips when the file ends in .gz, and writes to stdout for json=- and bare json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-json-'));
    const engine = engineWithThresholds();
    const gz = builtinOutputs().create('json=p.ndjson.gz', { metrics: engine, cwd: dir, stdout: new PassThrough(), env: {} });
    await gz.start();
    gz.write([{ metric: 'vus', time: t0, value: 3, tags: {} }]);
    await gz.stop();
    assert.match(gunzipSync(readFileSync(join(dir, 'p.ndjson.gz'))).toString(), /"metric":"vus","type":"Point","data":\{"time":"2026-01-02T03:04:05Z","value":3,"tags":\{\}\}/);

    for (const spec of ['json=-', 'json']) {
      const stdout = new PassThrough();
      let got = '';
      stdout.on('data', (c) => (got += c));
      const o = builtinOutputs().create(spec, { metrics: engine, cwd: dir, stdout, env: {} });
      assert.equal(o.description(), 'json(stdout)');
      await o.start();
      o.write([{ metric: 'vus', time: t0, value: 1, tags: {} }]);
      await o.stop();
      assert.equal(got.split('\n').length, 3);
    }
  });

  it('registry: unknown keys list the valid ones, duplicates throw, spec parsing', () => {
    const r = builtinOutputs();
    assert.deepEqual(parseOutputSpec('json=a=b.json'), { key: 'json', arg: 'a=b.json' });
    assert.deepEqual(parseOutputSpec('json'), { key: 'json', arg: '' });
    assert.equal(r.check('influxdb=http://x'), 'unknown output "influxdb"; valid: json');
    assert.throws(() => r.create('csv=x', { metrics: engineWithThresholds(), cwd: '.', stdout: new PassThrough(), env: {} }), /unknown output "csv"; valid: json/);
    assert.throws(() => r.register('json', () => ({}) as Output), /already registered/);
  });

  it('start failure stops the already-started outputs and rethrows the original error', async () => {
    const log: string[] = [];
    const mk = (name: string, fail = false): Output => ({
      description: () => name,
      start: async () => { if (fail) throw new Error(`${name} broke`); log.push(`start ${name}`); },
      stop: async () => void log.push(`stop ${name}`),
      write: () => {},
    });
    await assert.rejects(startOutputs([mk('a'), mk('b'), mk('c', true)]), /c broke/);
    assert.deepEqual(log, ['start a', 'start b', 'stop b', 'stop a']);
    log.length = 0;
    const bad: Output = { ...mk('x'), stop: async () => { throw new Error('x stop failed'); } };
    await assert.rejects(stopOutputs([mk('a'), bad, mk('b')]), /x stop failed/);
    assert.deepEqual(log, ['stop b', 'stop a']);
  });

  it('reports a file that cannot be created at start', async () => {
    const out = builtinOutputs().create('json=/nonexistent-dir/x.json', { metrics: engineWithThresholds(), cwd: '/', stdout: new PassThrough(), env: {} });
    await assert.rejects(out.start(), /ENOENT/);
  });
});

describe('--out json shared by several instances (harness run --runners N: --json-shared)', () => {
  it('appends every instance\'s batches to one file, each Metric line once and before any point of its metric', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-json-shared-'));
    const file = join(dir, 'samples.ndjson');
    const instances = [0, 1, 2].map(() => {
      const engine = new MetricsEngine({ registry: createMetricRegistry() });
      const out = builtinOutputs().create(`json=${file}`, { metrics: engine, cwd: dir, stdout: new PassThrough(), env: {}, sharedJsonDir: dir });
      return { engine, out };
    });
    await startOutputs(instances.map((i) => i.out));
    const written: string[] = [];
    for (let round = 0; round < 5; round++) {
      instances.forEach(({ out }, k) => {
        const batch: Sample[] = [
          { metric: 'http_reqs', time: t0 + round, value: 1, tags: { k: String(k) } },
          { metric: round >= 2 ? 'iterations' : 'vus', time: t0 + round, value: round, tags: { k: String(k) } },
        ];
        written.push(...batch.map((s) => `${s.metric}|${s.tags.k}|${s.value}`));
        out.write(batch);
      });
    }
    await stopOutputs(instances.map((i) => i.out));
    const { samples } = parseJsonStream(readFileSync(file, 'utf8'));
    assert.deepEqual(samples.map((s) => `${s.metric}|${s.tags.k}|${s.value}`).sort(), written.sort());
    const declared: string[] = [];
    for (const l of readFileSync(file, 'utf8').split('\n').filter(Boolean).map((x) => JSON.parse(x))) {
      if (l.type === 'Metric') declared.push(l.metric);
      else assert.ok(declared.includes(l.metric), `${l.metric} point before its Metric line`);
    }
    assert.deepEqual(declared.sort(), ['http_reqs', 'iterations', 'vus']);
  });
});
