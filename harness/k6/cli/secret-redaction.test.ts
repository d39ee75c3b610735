/**
 * A secret read through k6/secrets never leaves `harness k6 run` in clear: not in logs (as k6),
 * and — the harness's addition — not in sample tags (a URL, a custom tag, a check or group name)
 * of `--out json`, the summary, its export or handleSummary's data. Spawns the `harness` binary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarness } from '../../testing';

const SECRET = 'tok-5ecret-77a1';

const SCRIPT = `
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter } from 'k6/metrics';
import secrets from 'k6/secrets';
const used = new Counter('used');
export const options = { iterations: 2 };
export default async function () {
  const token = await secrets.get('token');
  used.add(1, { key: token });
  group('as ' + token, () => {
    const r = http.get(__ENV.BASE_URL + '/data?token=' + token, { tags: { auth: 'Bearer ' + token } });
    check(r, { ['sent ' + token]: (x) => x.status === 200 });
  });
}
export function handleSummary(data) {
  return { stdout: 'names: ' + Object.keys(data.metrics).join(',') + '\\n', 'data.json': JSON.stringify(data) };
}
`;

describe('harness k6 run: secrets redacted from outputs, not only logs (spawned)', function () {
  this.timeout(60_000);
  let dir: string;
  let server: http.Server;
  let url: string;
  let seenOnWire = '';
  before(async () => {
    server = http.createServer((req, res) => {
      seenOnWire += req.url;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k6-redact-'));
    writeFileSync(join(dir, 's.js'), SCRIPT);
    writeFileSync(join(dir, 'secrets.txt'), `token=${SECRET}\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const k6 = (args: string[]) => runHarness(['k6', 'run', '-q', '--secret-source', 'file=secrets.txt', '-e', `BASE_URL=${url}`, ...args, 's.js'], { cwd: dir });

  it('the target gets the real value; --out json, the export and handleSummary data show ***SECRET_REDACTED***', async () => {
    const r = await k6(['--out', 'json=out.ndjson', '--summary-export', 'export.json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seenOnWire.includes(`token=${SECRET}`), 'the request itself carries the secret');
    const files = ['out.ndjson', 'export.json', 'data.json'].map((f) => readFileSync(join(dir, f), 'utf8'));
    for (const text of [r.stdout, r.stderr, ...files]) assert.ok(!text.includes(SECRET), `no secret in:\n${text.slice(0, 400)}`);
    const points = files[0]!.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.type === 'Point');
    const req = points.find((p) => p.metric === 'http_reqs');
    assert.equal(req.data.tags.url, `${url}/data?token=***SECRET_REDACTED***`);
    assert.equal(req.data.tags.auth, 'Bearer ***SECRET_REDACTED***');
    assert.equal(req.data.tags.group, '::as ***SECRET_REDACTED***');
    assert.equal(points.find((p) => p.metric === 'used').data.tags.key, '***SECRET_REDACTED***');
    assert.equal(points.find((p) => p.metric === 'checks').data.tags.check, 'sent ***SECRET_REDACTED***');
    const data = JSON.parse(files[2]!);
    assert.equal(data.root_group.groups[0].name, 'as ***SECRET_REDACTED***');
    assert.equal(data.root_group.groups[0].checks[0].name, 'sent ***SECRET_REDACTED***');
  });

  it('the default (compact) and full summary texts show the redacted check and group names', async () => {
    writeFileSync(join(dir, 's.js'), SCRIPT.replace(/export function handleSummary[^]*$/, ''));
    const r = await k6(['--summary-mode', 'full']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(SECRET));
    assert.match(r.stdout, /█ GROUP: as \*\*\*SECRET_REDACTED\*\*\* \n/);
    assert.match(r.stdout, /✓ sent \*\*\*SECRET_REDACTED\*\*\*\n/);
  });
});
