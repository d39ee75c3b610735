import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFixtureRun } from '../../report/testing/fixture-run';
import { runHarness } from '../../testing';

describe('harness report <run> (the binary)', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'harness-report-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes report.html, junit.xml and summary.md from a run directory, by path, run id or latest; exit 0', async () => {
    const id = '20261130T060000-fixture-abcd';
    const dir = join(cwd, 'reports/runs', id);
    writeFixtureRun(dir);
    for (const arg of [dir, id, 'latest']) {
      rmSync(join(dir, 'report.html'), { force: true });
      const r = await runHarness(['report', arg], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), ['report.html', 'junit.xml', 'summary.md'].map((f) => join('reports/runs', id, f)));
      assert.ok(existsSync(join(dir, 'report.html')));
    }
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /thresholds crossed \(exit 99\)/);
  });

  it('an old run directory (samples only: no run.json, summary.json or journal) still gets its report', async () => {
    const dir = join(cwd, 'old');
    writeFixtureRun(dir);
    for (const f of ['run.json', 'summary.json', 'config.json', 'chaos-journal.jsonl']) rmSync(join(dir, f));
    const r = await runHarness(['report', 'old'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /Thresholds: 3\/4 passed/);
  });

  it('reads a gzip-compressed stream (samples.ndjson.gz) the same way', async () => {
    const dir = join(cwd, 'gz');
    writeFixtureRun(dir);
    writeFileSync(join(dir, 'samples.ndjson.gz'), gzipSync(readFileSync(join(dir, 'samples.ndjson'))));
    const plain = await runHarness(['report', 'gz'], { cwd });
    assert.equal(plain.code, 0, plain.stderr);
    const expected = readFileSync(join(dir, 'summary.md'), 'utf8');
    rmSync(join(dir, 'samples.ndjson'));
    const gz = await runHarness(['report', 'gz'], { cwd });
    assert.equal(gz.code, 0, gz.stderr);
    assert.equal(readFileSync(join(dir, 'summary.md'), 'utf8'), expected);
  });

  it('exit 104 with a hint for a missing run, or one with nothing to report', async () => {
    const missing = await runHarness(['report', 'nope'], { cwd });
    assert.equal(missing.code, 104);
    assert.match(missing.stderr, /no run directory "nope"\n {2}hint: /);
    mkdirSync(join(cwd, 'empty'));
    const empty = await runHarness(['report', 'empty'], { cwd });
    assert.equal(empty.code, 104);
    assert.match(empty.stderr, /nothing to report/);
  });
});
