import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { compileScenario } from '../build/compile-scenario';
import { harnessRoot } from '../build/paths';
import { ExitCode } from '../errors';
import { BuiltinEngine } from './builtin-engine';
import type { EngineProgress } from './types';
import { waitGroupGone } from '../testing';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let buf = '';
  stream.on('data', (d) => (buf += d));
  return { stream, text: () => buf };
}

describe('builtin engine end to end', () => {
  let dir: string;
  let server: http.Server;
  let baseUrl: string;
  const hits: Record<string, number> = {};

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'harness-builtin-'));
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const key = `${req.method} ${req.url}`;
        hits[key] = (hits[key] ?? 0) + 1;
        if (req.method === 'GET' && req.url === '/health') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        } else if (req.method === 'POST' && (req.url === '/telemetry' || req.url === '/telemetry/batch')) {
          try {
            JSON.parse(body);
            res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":202}');
          } catch {
            res.writeHead(400).end('{"error":"invalid json"}');
          }
        } else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    for (const k of Object.keys(hits)) delete hits[k];
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a compiled scenario: exit 0, JSON stream and summary export written', async () => {
    await writeFile(
      join(dir, 'tiny.ts'),
      [
        "import http from 'k6/http';",
        "import { check } from 'k6';",
        "import type { Options } from 'k6/options';",
        'export const options: Options = { vus: 2, iterations: 6, thresholds: { checks: ["rate==1"] } };',
        'export default function (): void {',
        "  const r = http.post(`${__ENV.BASE_URL}/telemetry`, JSON.stringify({ n: __ITER }), { headers: { 'Content-Type': 'application/json' } });",
        "  check(r, { 'accepted 202': (x) => x.status === 202 });",
        '}',
      ].join('\n'),
    );
    const compiled = await compileScenario('tiny.ts', { outDir: join(dir, 'run'), cwd: dir, cache: false });
    const out = collect();
    const err = collect();
    const result = await new BuiltinEngine().run({
      scriptPath: compiled.bundlePath,
      args: { env: { BASE_URL: baseUrl }, outJsonPath: join(dir, 'run', 'k6.ndjson'), summaryExportPath: join(dir, 'run', 'summary.json') },
      cwd: join(dir, 'run'),
      env: { ...process.env },
      stdout: out.stream,
      stderr: err.stream,
    });
    assert.equal(result.exitCode, 0, `stdout:\n${out.text()}\nstderr:\n${err.text()}`);
    assert.equal(result.interrupted, false);
    assert.equal(hits['POST /telemetry'], 6);
    const lines = (await readFile(result.outJsonPath!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.type === 'Metric' && l.metric === 'http_reqs'));
    assert.equal(lines.filter((l) => l.type === 'Point' && l.metric === 'http_reqs').length, 6);
    const summary = JSON.parse(await readFile(result.summaryExportPath!, 'utf8'));
    assert.equal(summary.metrics.http_reqs.count, 6);
    assert.equal(summary.metrics.checks.passes, 6);
  });

  it('runs the catalog smoke scenario scaled by --vus/--duration through HARNESS_* env', async () => {
    const compiled = await compileScenario(join(harnessRoot, 'scenarios', 'smoke.ts'), { outDir: join(dir, 'smoke'), cwd: harnessRoot, cache: join(dir, 'cache') });
    const out = collect();
    const err = collect();
    const progress: EngineProgress[] = [];
    const result = await new BuiltinEngine().run({
      scriptPath: compiled.bundlePath,
      args: { vus: 2, duration: '2s', env: { BASE_URL: baseUrl, HARNESS_THINK_TIME: '0.2' }, summaryExportPath: join(dir, 'smoke', 'summary.json') },
      cwd: join(dir, 'smoke'),
      env: { ...process.env },
      stdout: out.stream,
      stderr: err.stream,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.exitCode, 0, `stdout:\n${out.text()}\nstderr:\n${err.text()}`);
    const summary = JSON.parse(await readFile(result.summaryExportPath!, 'utf8'));
    assert.equal(summary.metrics.vus_max.value, 2, 'HARNESS_VUS=2 replaced the 10 VUs');
    assert.equal(summary.metrics.checks.fails, 0);
    // How many iterations fit in 2 s depends on the machine; the script's own accounting does
    // not: one POST per iteration (a batch at __ITER 4, 9, ...), a health check at __ITER 0, 10, ...
    const n = summary.metrics.iterations.count;
    assert.equal((hits['POST /telemetry'] ?? 0) + (hits['POST /telemetry/batch'] ?? 0), n, JSON.stringify(hits));
    assert.ok(hits['GET /health'] >= 2, `each VU's first iteration checks health: ${JSON.stringify(hits)}`);
    // 9 iterations over 2 VUs: one of them reached __ITER 4
    if (n >= 9) assert.ok(hits['POST /telemetry/batch'] >= 1, JSON.stringify(hits));
    // 2 VUs * 2 s / at least 0.2 s per iteration: at most about 22, far below the unscaled 30 s run
    assert.ok(n < 60, `iterations ${n}`);
    assert.ok(progress.length >= 1, `progress lines parsed from:\n${out.text()}`);
    assert.equal(progress.at(-1)!.maxVus, 2);
    assert.ok(progress.at(-1)!.scenarios.smoke > 0);
  });

  it('SIGINT on abort: the engine stops gracefully and exits 105', async () => {
    await writeFile(
      join(dir, 'long.ts'),
      [
        "import http from 'k6/http';",
        "import { sleep } from 'k6';",
        "export const options = { vus: 1, duration: '60s' };",
        "export default function (): void { http.get(`${__ENV.BASE_URL}/health`); sleep(0.1); }",
      ].join('\n'),
    );
    const compiled = await compileScenario('long.ts', { outDir: join(dir, 'long'), cwd: dir, cache: false });
    const ac = new AbortController();
    const poll = setInterval(() => {
      if ((hits['GET /health'] ?? 0) >= 3) ac.abort();
    }, 50);
    const err = collect();
    const t0 = Date.now();
    try {
      const result = await new BuiltinEngine().run({
        scriptPath: compiled.bundlePath,
        args: { env: { BASE_URL: baseUrl }, summaryExportPath: join(dir, 'long', 'summary.json') },
        cwd: join(dir, 'long'),
        env: { ...process.env },
        signal: ac.signal,
        stderr: err.stream,
        killTimeoutMs: 15_000,
      });
      assert.equal(result.interrupted, true);
      assert.equal(result.exitCode, ExitCode.ExternalAbort, err.text());
      assert.equal(result.killedBy, undefined, 'stopped on SIGINT, without SIGKILL');
      assert.ok(Date.now() - t0 < 30_000);
      assert.ok(await waitGroupGone(result.pid!), `process group ${result.pid} is gone`);
    } finally {
      clearInterval(poll);
    }
  });

  it('escalates to SIGKILL when the engine does not stop within killTimeoutMs, leaving no process', async () => {
    // teardown runs after a graceful stop; this one outlives the kill timeout
    await writeFile(
      join(dir, 'stuck.ts'),
      [
        "import http from 'k6/http';",
        "import { sleep } from 'k6';",
        "export const options = { vus: 1, duration: '60s', teardownTimeout: '120s' };",
        "export default function (): void { http.get(`${__ENV.BASE_URL}/health`); sleep(0.1); }",
        'export function teardown(): void { sleep(60); }',
      ].join('\n'),
    );
    const compiled = await compileScenario('stuck.ts', { outDir: join(dir, 'stuck'), cwd: dir, cache: false });
    const ac = new AbortController();
    const poll = setInterval(() => {
      if ((hits['GET /health'] ?? 0) >= 3) ac.abort();
    }, 50);
    try {
      const result = await new BuiltinEngine().run({
        scriptPath: compiled.bundlePath,
        args: { env: { BASE_URL: baseUrl } },
        cwd: join(dir, 'stuck'),
        env: { ...process.env },
        signal: ac.signal,
        killTimeoutMs: 1500,
      });
      assert.equal(result.interrupted, true);
      assert.equal(result.killedBy, 'SIGKILL');
      assert.equal(result.exitCode, ExitCode.ExternalAbort);
      assert.ok(await waitGroupGone(result.pid!), `process group ${result.pid} is gone`);
    } finally {
      clearInterval(poll);
    }
  });
});
