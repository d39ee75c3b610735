import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReportData } from './build-report-data';

/** What real k6 v0.48.0 wrote for ref.js (harness/k6/conformance/fixtures/k6-v0.48/PROVENANCE.md). */
const K6 = fileURLToPath(new URL('../k6/conformance/fixtures/k6-v0.48/', import.meta.url));

describe("harness/report on real k6's own stream and summary (k6 v0.48 fixture)", () => {
  it("every threshold k6 evaluated, with k6's verdict and k6's value (submetric thresholds from summary.json)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-k6-'));
    try {
      copyFileSync(join(K6, 'out-json.ndjson'), join(dir, 'samples.ndjson'));
      copyFileSync(join(K6, 'summary-export.json'), join(dir, 'summary.json'));
      const data = await buildReportData(dir);
      const exported = JSON.parse(readFileSync(join(K6, 'summary-export.json'), 'utf8')).metrics as Record<string, { thresholds?: Record<string, boolean> }>;
      const handle = JSON.parse(readFileSync(join(K6, 'handle-summary-data.json'), 'utf8')).metrics as Record<string, { values: Record<string, number> }>;
      const expected = Object.entries(exported).flatMap(([key, m]) => Object.entries(m.thresholds ?? {}).map(([source, failed]) => ({ key, source, ok: !failed })));
      assert.deepEqual(
        data.thresholds.map((t) => ({ key: t.key, source: t.source, ok: t.ok })).sort((a, b) => (a.key + a.source).localeCompare(b.key + b.source)),
        expected.sort((a, b) => (a.key + a.source).localeCompare(b.key + b.source)),
      );
      const value = (key: string, source: string) => data.thresholds.find((t) => t.key === key && t.source === source)!.value!;
      assert.equal(value('http_req_failed', 'rate<0.01'), handle.http_req_failed.values.rate);
      assert.equal(value('http_req_duration{scenario:ingest}', 'p(95)<200'), handle['http_req_duration{scenario:ingest}'].values['p(95)']);
      assert.equal(value('telemetry_accepted', 'count>10'), handle.telemetry_accepted.values.count);
      assert.equal(data.thresholds.find((t) => t.key === 'http_req_duration{scenario:ingest}')!.abortOnFail, null, 'k6 writes no Metric line for submetric thresholds');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
