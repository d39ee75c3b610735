import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { writeFixtureRun } from '../../report/testing/fixture-run';

const BIN = fileURLToPath(new URL('../../bin/harness.mjs', import.meta.url));

function harness(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

describe('harness report <run> (the binary)', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'harness-report-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes report.html, junit.xml and summary.md from a run directory, by path, run id or latest; exit 0', () => {
    const id = '20261130T060000-fixture-abcd';
    const dir = join(cwd, 'reports/runs', id);
    writeFixtureRun(dir);
    for (const arg of [dir, id, 'latest']) {
      rmSync(join(dir, 'report.html'), { force: true });
      const r = harness(cwd, 'report', arg);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), ['report.html', 'junit.xml', 'summary.md'].map((f) => join('reports/runs', id, f)));
      assert.ok(existsSync(join(dir, 'report.html')));
    }
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /thresholds crossed \(exit 99\)/);
  });

  it('an old run directory (samples only: no run.json, summary.json or journal) still gets its report', () => {
    const dir = join(cwd, 'old');
    writeFixtureRun(dir);
    for (const f of ['run.json', 'summary.json', 'config.json', 'chaos-journal.jsonl']) rmSync(join(dir, f));
    const r = harness(cwd, 'report', 'old');
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /Thresholds: 3\/4 passed/);
  });

  it('reads a gzip-compressed stream (samples.ndjson.gz) the same way', () => {
    const dir = join(cwd, 'gz');
    writeFixtureRun(dir);
    writeFileSync(join(dir, 'samples.ndjson.gz'), gzipSync(readFileSync(join(dir, 'samples.ndjson'))));
    const plain = harness(cwd, 'report', 'gz');
    assert.equal(plain.status, 0, plain.stderr);
    const expected = readFileSync(join(dir, 'summary.md'), 'utf8');
    rmSync(join(dir, 'samples.ndjson'));
    const gz = harness(cwd, 'report', 'gz');
    assert.equal(gz.status, 0, gz.stderr);
    assert.equal(readFileSync(join(dir, 'summary.md'), 'utf8'), expected);
  });

  it('exit 104 with a hint for a missing run, or one with nothing to report', () => {
    const missing = harness(cwd, 'report', 'nope');
    assert.equal(missing.status, 104);
    assert.match(missing.stderr, /no run directory "nope"\n {2}hint: /);
    mkdirSync(join(cwd, 'empty'));
    const empty = harness(cwd, 'report', 'empty');
    assert.equal(empty.status, 104);
    assert.match(empty.stderr, /nothing to report/);
  });
});
