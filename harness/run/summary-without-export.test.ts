import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMetricLine, encodePointLine } from '../../vocabulary';
import { summaryWithoutExport } from './summary-without-export';

/** A run's stream: 3 requests (one 500) with a metric-level threshold on its Metric line. */
function stream(): string {
  const t0 = Date.parse('2026-11-30T10:00:00Z');
  const lines = [encodeMetricLine({ name: 'http_reqs', type: 'counter', contains: 'default', thresholds: ['count<10'], submetrics: null })];
  ['200', '200', '500'].forEach((status, i) => lines.push(encodePointLine({ metric: 'http_reqs', time: t0 + i * 1000, value: 1, tags: { status } })));
  return `${lines.join('\n')}\n`;
}

describe('summaryWithoutExport (harness run with the engine summary disabled)', () => {
  let dir: string;
  let files: { samples: string; summary: string; thresholds: string };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'summary-without-export-'));
    files = { samples: join(dir, 'samples.ndjson'), summary: join(dir, 'summary.json'), thresholds: join(dir, 'thresholds.json') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const summary = () => JSON.parse(readFileSync(files.summary, 'utf8'));

  it('an export the engine wrote is left alone', async () => {
    writeFileSync(files.summary, '{"from":"engine"}');
    writeFileSync(files.samples, stream());
    assert.equal(await summaryWithoutExport(files), undefined);
    assert.deepEqual(summary(), { from: 'engine' });
  });

  it('no stream: no summary.json, and a note that says so', async () => {
    assert.match((await summaryWithoutExport(files))!, /exported no summary .* no sample stream to compute one from/);
    assert.ok(!existsSync(files.summary));
  });

  it('from the stream: counts, and the thresholds of thresholds.json (a submetric too), judged over it', async () => {
    writeFileSync(files.samples, stream());
    writeFileSync(files.thresholds, JSON.stringify({ 'http_reqs{status:500}': [{ threshold: 'count<1', abortOnFail: false }] }));
    assert.match((await summaryWithoutExport(files, { inspectThresholds: async () => assert.fail('thresholds.json comes first') }))!, /summary\.json computed by the harness from samples\.ndjson/);
    const s = summary();
    assert.equal(s.metrics.http_reqs.count, 3);
    assert.deepEqual(s.metrics['http_reqs{status:500}'].thresholds, { 'count<1': true });
  });

  it("without thresholds.json: the engine's (inspect), else the Metric lines'", async () => {
    writeFileSync(files.samples, stream());
    await summaryWithoutExport(files, { inspectThresholds: async () => ({ 'http_reqs{status:200}': ['count==2'] }) });
    assert.deepEqual(summary().metrics['http_reqs{status:200}'].thresholds, { 'count==2': false });
    rmSync(files.summary);
    await summaryWithoutExport(files, { inspectThresholds: async () => undefined });
    assert.deepEqual(summary().metrics.http_reqs.thresholds, { 'count<10': false });
  });

  it('an empty stream (the run never started): no summary.json', async () => {
    writeFileSync(files.samples, '');
    assert.match((await summaryWithoutExport(files))!, /holds no sample/);
    assert.ok(!existsSync(files.summary));
  });
});
