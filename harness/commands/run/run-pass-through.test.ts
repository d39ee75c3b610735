/**
 * `harness run --summary-mode / --secret-source` reach the engine: the built-in engine's child
 * process, and real k6 only when the detected version has the flag (else exit 104 naming the
 * version, before anything starts). Spawns the `harness` binary; real k6 is a stand-in answering
 * each release's recorded `version` / `run --help` (harness/engines/testing/stand-in-k6.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { reap, runsRoot } from '../../run';
import { runHarness, throwawayProject } from '../../testing';
import { writeStandInK6 } from '../../engines/testing/stand-in-k6';

const SCRIPT = `
import http from 'k6/http';
import { check, group } from 'k6';
import secrets from 'k6/secrets';
export const options = { iterations: 2 };
export default async function () {
  const token = await secrets.get('token');
  console.log('token is ' + token);
  group('api', () => { check(http.get(__ENV.BASE_URL + '/ok?t=' + token), { 'ok 200': (r) => r.status === 200 }); });
}
`;

describe('harness run: --summary-mode and --secret-source pass through to the engine @slow', function () {
  this.timeout(120_000);
  let cwd: string;
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(async () => {
    cwd = await throwawayProject('harness-run-pass-');
    await writeFile(join(cwd, 'secret-test.js'), SCRIPT);
    await writeFile(join(cwd, 'secrets.txt'), 'token=s3cr3t-v4lue-42\n');
  });
  afterEach(async () => {
    await reap({ root: runsRoot(cwd), env: process.env, log: () => {}, docker: false }).catch(() => {});
    await rm(cwd, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string> = {}) => runHarness(args, { cwd, env: { K6_BIN: '', ...env } });
  const base = () => ['run', 'secret-test.js', '--runtime', 'external', '--target-url', url, '--toxiproxy', 'none'];

  it('built-in engine: the full summary (a GROUP section) and the secret read from the file source, redacted in the log', async () => {
    const r = await cli([...base(), '--engine', 'builtin', '--summary-mode', 'full', '--secret-source', 'file=secrets.txt']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /█ GROUP: api \n/);
    assert.match(r.stderr + r.stdout, /token is \*\*\*SECRET_REDACTED\*\*\*/);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cr3t-v4lue-42/);
    // nothing the run left (samples, summary, report, logs) holds the value; the samples hold its redaction
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
    walk(runsRoot(cwd));
    let samples = '';
    for (const f of files) {
      const raw = readFileSync(f);
      const text = (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      assert.ok(!text.includes('s3cr3t-v4lue-42'), `no secret in ${f}`);
      if (f.endsWith('samples.ndjson.gz')) samples = text;
    }
    assert.match(samples, /"url":"http:\/\/127\.0\.0\.1:\d+\/ok\?t=\*\*\*SECRET_REDACTED\*\*\*"/);
    const legacy = await cli([...base(), '--engine', 'builtin', '--summary-mode', 'legacy', '--secret-source', 'file=secrets.txt']);
    assert.equal(legacy.code, 0, legacy.stderr + legacy.stdout);
    assert.match(legacy.stdout, /█ api\n/, "k6 v0.48's group block");
    assert.doesNotMatch(legacy.stdout, /TOTAL RESULTS/);
  });

  it('a mode that is no mode: exit 104, one line naming the choices', async () => {
    const r = await cli([...base(), '--engine', 'builtin', '--summary-mode', 'short']);
    assert.equal(r.code, 104, r.stderr);
    assert.match(r.stderr, /summary-mode/);
  });

  it('real k6 v0.48 (stand-in): --summary-mode and --secret-source are a 104 naming the version; nothing runs', async () => {
    const argvFile = join(cwd, 'k6.argv');
    const bin = await writeStandInK6(join(cwd, 'k6-048'), 'v0.48.0', { argvFile, runExit: 0 });
    const r = await cli([...base(), '--engine', 'k6', '--summary-mode', 'full'], { K6_BIN: bin });
    assert.equal(r.code, 104, r.stderr);
    assert.match(r.stderr, /k6 v0\.48\.0 has no --summary-mode \(k6 v1\.0\+ has it\)/);
    const s = await cli([...base(), '--engine', 'k6', '--secret-source', 'file=secrets.txt'], { K6_BIN: bin });
    assert.equal(s.code, 104, s.stderr);
    assert.match(s.stderr, /k6 v0\.48\.0 has no --secret-source/);
    assert.ok(!existsSync(argvFile), 'the stand-in k6 was never asked to run');
  });

  it('real k6 v2.2 (stand-in): the flags reach it as given; a mode it lacks (legacy) is a 104 naming its modes', async () => {
    const argvFile = join(cwd, 'k6.argv');
    const bin = await writeStandInK6(join(cwd, 'k6-22'), 'v2.2.0', { argvFile, runExit: 0 });
    const bad = await cli([...base(), '--engine', 'k6', '--summary-mode', 'legacy'], { K6_BIN: bin });
    assert.equal(bad.code, 104, bad.stderr);
    assert.match(bad.stderr, /k6 v2\.2\.0 has no summary mode "legacy"; its modes: compact, full, disabled/);
    assert.ok(!existsSync(argvFile));
    await cli([...base(), '--engine', 'k6', '--summary-mode', 'full', '--secret-source', 'file=secrets.txt'], { K6_BIN: bin });
    const argv = readFileSync(argvFile, 'utf8').trimEnd().split('\n');
    const at = (flag: string) => argv[argv.indexOf(flag) + 1];
    assert.equal(at('--summary-mode'), 'full');
    assert.equal(at('--secret-source'), 'file=secrets.txt');
    assert.equal(at('--address'), '', "k6's REST API is off (--address ''): no clash on its fixed port 6565");
  });
});
