import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReportData } from './build-report-data';
import { renderJunit } from './render-junit';
import { renderMarkdown } from './render-markdown';
import type { ReportData } from './report-data';
import { writeFixtureRun } from './testing/fixture-run';

const XSD = fileURLToPath(new URL('./fixtures/junit.xsd', import.meta.url));

function xmllint(): string | undefined {
  const r = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'xmllint' : undefined;
}

describe('harness/report junit.xml and summary.md', () => {
  let dir: string;
  let data: ReportData;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-junit-'));
    writeFixtureRun(dir);
    data = await buildReportData(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('junit.xml validates against the JUnit XML schema (xmllint)', function () {
    const bin = xmllint();
    if (!bin) {
      console.log('    skipped: xmllint not on PATH; run `harness setup --for test` (apt-get install libxml2-utils)');
      this.skip();
    }
    const file = join(dir, 'junit.xml');
    writeFileSync(file, renderJunit(data));
    execFileSync(bin!, ['--noout', '--schema', XSD, file], { stdio: 'pipe' });
    // and the schema is strict enough to reject what CI readers reject (a testsuite without its name)
    writeFileSync(file, renderJunit(data).replace(/<testsuite name="[^"]*"/, '<testsuite'));
    const bad = spawnSync(bin!, ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0, 'a testsuite without a name must not validate');
  });

  it('a testcase per threshold and per check; failures carry the observed value', () => {
    const xml = renderJunit(data);
    const cases = [...xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"[^>]*>(.*?)<\/testcase>/g)].map((m) => ({ name: m[1], classname: m[2], body: m[3] }));
    assert.equal(cases.length, data.thresholds.length + data.checks.length);
    const failed = cases.filter((c) => c.body.includes('<failure'));
    assert.deepEqual(
      failed.map((c) => c.name),
      ['http_req_duration{name:GET /health}: max&lt;0.001', 'http_req_failed: rate&lt;0.01', 'accepted 202'],
    );
    assert.match(failed[1].body, /observed 0\.05/);
    assert.match(xml, /<testsuites name="fixture" tests="7" failures="3"/);
    assert.equal(cases.find((c) => c.name === 'accepted 202')!.classname, 'checks.ingest');
  });

  it('summary.md: verdict, one table row per threshold, key percentiles, the report link', () => {
    const md = renderMarkdown(data, { reportLink: 'report.html' });
    assert.match(md.split('\n')[0], /^## ❌ fixture: thresholds crossed \(exit 99\)$/);
    const rows = md.split('\n').filter((l) => /^\| (✅|❌) \|/.test(l));
    assert.equal(rows.length, data.thresholds.length);
    for (const r of rows) assert.equal(r.split(/(?<!\\)\|/).length, 7, `5 cells: ${r}`);
    assert.match(md, /\| ❌ \| `http_req_failed` \| `rate<0\.01` \| 0\.05 \| no \|/);
    assert.match(md, /\[report\.html\]\(report\.html\)/);
    assert.match(md, /Reproduce: `harness run fixture --seed 42/);
    assert.match(md, new RegExp(`\\| ${data.totals.requests} \\| 5\\.00% \\|`));
    assert.equal(readFileSync(XSD, 'utf8').includes('Provenance'), true);
    assert.match(md, /^Target: not sampled \(no target\.ndjson\)\.$/m);
  });

  it("summary.md: the target's side in one line when it was sampled", async () => {
    const targetDir = mkdtempSync(join(tmpdir(), 'report-md-target-'));
    try {
      writeFixtureRun(targetDir, { target: true });
      const md = renderMarkdown(await buildReportData(targetDir));
      assert.match(md, /^Target: peak queue 45 · accepted up to 40\/s, processed up to 60\/s · rejections up to 20\/s `redis_unavailable` · breaker open ~2 s\.$/m);
    } finally {
      rmSync(targetDir, { recursive: true, force: true });
    }
  });
});
