/**
 * Re-records the reference fixtures with the real tools: `npm run record-fixtures [-- k6|toxiproxy]
 * [--out DIR]`. It drives an already-installed k6 v0.48 / toxiproxy-server 2.4 (PATH, or K6_BIN /
 * TOXIPROXY_BIN, see real-tools.ts) and never builds them. Without `--out` it rewrites the
 * committed fixtures in place (review with `git diff`); with `--out DIR` it writes beside them
 * for comparison. Exit 0 when every requested tool was recorded, 110 when one is missing.
 *
 * Everything runs on 127.0.0.1 on free ports; the ports are written back as the numbers the
 * fixtures were first recorded with (same digit count, so Content-Length and sizes stay true).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startConformanceServer } from '../k6/conformance/server';
import { freePort, freePortWithDigits } from '../../chaos/testing/net-helpers';
import { findRealK6, findRealToxiproxy, type RealTool } from './real-tools';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const K6_FIXTURES = join(root, 'harness/k6/conformance/fixtures/k6-v0.48');
export const TOXIPROXY_FIXTURES = join(root, 'chaos/toxiproxy-server/fixtures/toxiproxy-v2.4');

/** The target port of the original k6 recording (srv.mjs) and the two proxy ports of the transcript. */
const K6_TARGET_PORT = '18181';
const TRANSCRIPT_PORTS = ['26379', '28080'];

const log = (s: string) => process.stdout.write(`${s}\n`);

function run(bin: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** ref.js and ref2.js through real k6 against the conformance target, as PROVENANCE.md says. */
export async function recordK6(k6: RealTool, outDir: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'record-k6-'));
  const srv = await startConformanceServer({ port: await freePortWithDigits(K6_TARGET_PORT.length) });
  try {
    const port = new URL(srv.url).port;
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, BASE_URL: srv.url, K6_NO_USAGE_REPORT: 'true' };
    const back = (s: string) => s.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${K6_TARGET_PORT}`);
    for (const f of ['ref.js', 'ref2.js', 'srv.mjs']) await copyFile(join(K6_FIXTURES, f), join(work, f));
    const r1 = await run(k6.path, ['run', '--out', 'json=points.ndjson', '--summary-export', 'summary-export.json', 'ref.js'], { cwd: work, env });
    log(`  k6 run ref.js: exit ${r1.code} (the recording's was 99)`);
    const r2 = await run(k6.path, ['run', 'ref2.js'], { cwd: work, env });
    log(`  k6 run ref2.js: exit ${r2.code} (the recording's was 99)`);
    await mkdir(outDir, { recursive: true });
    // The first recording wrote the stream as points.ndjson (its stdout names it) and kept it as out-json.ndjson.
    for (const [from, to] of [['points.ndjson', 'out-json.ndjson'], ['summary-export.json'], ['handle-summary-data.json']]) {
      await writeFile(join(outDir, to ?? from), back(await readFile(join(work, from), 'utf8')));
    }
    await writeFile(join(outDir, 'stdout.txt'), back(r1.stdout));
    await writeFile(join(outDir, 'stderr.txt'), back(r1.stderr));
    await writeFile(join(outDir, 'stdout2.txt'), back(r2.stdout));
    if (outDir !== K6_FIXTURES) for (const f of ['ref.js', 'ref2.js', 'srv.mjs']) await copyFile(join(K6_FIXTURES, f), join(outDir, f));
    const hs = JSON.parse(await readFile(join(outDir, 'handle-summary-data.json'), 'utf8'));
    log(`  pin these in harness/k6/output/reference.test.ts: REF_DURATION_MS = ${hs.state?.testRunDurationMs}; setupData = ${JSON.stringify(hs.setup_data)}`);
  } finally {
    await srv.close();
    await rm(work, { recursive: true, force: true });
  }
}

interface TranscriptRequest {
  method: string;
  path: string;
  body?: string;
}

/** The requests of a transcript, in order (its `### METHOD PATH [body: …]` headings). */
export function transcriptRequests(text: string): TranscriptRequest[] {
  return [...text.matchAll(/^### (\w+) (\S+) ?(?:body: (.*))?$/gm)].map((m) => ({ method: m[1], path: m[2], body: m[3] }));
}

function exchange(base: string, req: TranscriptRequest, agent: http.Agent): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request(base + req.path, { method: req.method, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const lines = [`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`];
        // Date changes every second; everything else is kept in the order the server wrote it.
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i].toLowerCase() !== 'date') lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ head: lines.join('\r\n') + '\r\n\r\n', body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

async function waitForApi(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(`${url}/version`)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`toxiproxy-server did not answer ${url}/version within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Replays the transcript's requests against real toxiproxy-server and writes what it answered. */
export async function recordToxiproxy(tox: RealTool, outDir: string): Promise<void> {
  const requests = transcriptRequests(await readFile(join(TOXIPROXY_FIXTURES, 'api-transcript.txt'), 'utf8'));
  const apiPort = await freePort();
  const ports: string[] = [];
  for (const _ of TRANSCRIPT_PORTS) ports.push(String(await freePortWithDigits(5)));
  const child = spawn(tox.path, ['-host', '127.0.0.1', '-port', String(apiPort)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const base = `http://127.0.0.1:${apiPort}`;
  try {
    await waitForApi(base, 10_000);
    const there = (s: string) => TRANSCRIPT_PORTS.reduce((a, p, i) => a.replaceAll(p, ports[i]), s);
    const back = (s: string) => ports.reduce((a, p, i) => a.replaceAll(p, TRANSCRIPT_PORTS[i]), s);
    // One kept-alive connection, as a client library would use (no `Connection: close` echoed).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let out = '';
    for (const req of requests) {
      const { head, body } = await exchange(base, { ...req, body: req.body === undefined ? undefined : there(req.body) }, agent);
      // The version is a property of the build (release ldflags), not of the API: keep `git`.
      const shownBody = req.path === '/version' ? 'git' : back(body);
      const shownHead = req.path === '/version' ? head.replace(/Content-Length: \d+/, 'Content-Length: 3') : head;
      out += `### ${req.method} ${req.path} ${req.body === undefined ? '' : `body: ${req.body}`}\n`;
      out += shownHead + shownBody + (shownBody === '' || shownBody.endsWith('\n') ? '' : '\n') + '\n\n';
    }
    agent.destroy();
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'api-transcript.txt'), out);
    log(`  ${requests.length} exchanges recorded`);
  } catch (e) {
    throw new Error(`${(e as Error).message}${stderr ? `\ntoxiproxy-server stderr:\n${stderr}` : ''}`);
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(argv: string[]): Promise<number> {
  const which: string[] = [];
  let outBase: string | undefined;
  let badOut = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') {
      outBase = argv[++i];
      badOut ||= !outBase;
    } else which.push(argv[i]);
  }
  const bad = which.filter((w) => w !== 'k6' && w !== 'toxiproxy');
  if (badOut || bad.length) {
    process.stderr.write(`record-fixtures: ${bad.length ? `unknown tool "${bad[0]}"` : '--out needs a directory'}\nusage: npm run record-fixtures -- [k6|toxiproxy]... [--out DIR]\n`);
    return 104;
  }
  const tools = which.length ? which : ['k6', 'toxiproxy'];
  let missing = 0;
  for (const t of tools) {
    const lookup = t === 'k6' ? findRealK6() : findRealToxiproxy();
    if (!lookup.found) {
      process.stderr.write(`record-fixtures: cannot record the ${t} fixtures: ${lookup.reason}\n`);
      missing++;
      continue;
    }
    const { tool } = lookup;
    const fixtures = t === 'k6' ? K6_FIXTURES : TOXIPROXY_FIXTURES;
    const outDir = outBase ? join(outBase, fixtures.split('/').slice(-1)[0]) : fixtures;
    log(`recording ${t} fixtures with ${tool.path} (${tool.name} ${tool.version}, ${tool.via}) into ${outDir}`);
    if (t === 'k6') await recordK6(tool, outDir);
    else await recordToxiproxy(tool, outDir);
  }
  if (missing) {
    process.stderr.write('record-fixtures: install the missing tool or point K6_BIN / TOXIPROXY_BIN at it (docs/testing.md)\n');
    return 110;
  }
  log(outBase ? `done; compare with: diff -r ${dirname(K6_FIXTURES)} ${outBase} (and ${dirname(TOXIPROXY_FIXTURES)})` : 'done; review with: git diff -- harness/k6/conformance/fixtures chaos/toxiproxy-server/fixtures');
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`record-fixtures: ${(e as Error).stack ?? e}\n`);
      process.exit(111);
    },
  );
}
