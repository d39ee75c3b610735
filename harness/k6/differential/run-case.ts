import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../testing';
import { runScriptWithK6 } from '../conformance/run-real-k6';
import { runScript } from '../conformance/run-script';
import { startConformanceServer } from '../conformance/server';
import { profileOf, type Profile } from './profile';

export const DIFF_SCRIPTS_DIR = fileURLToPath(new URL('./scripts/', import.meta.url));
export const DIFF_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/k6-v0.48/', import.meta.url));
/** A self-signed certificate for 127.0.0.1, made for these tests only (`openssl req -x509 ... -addext subjectAltName=IP:127.0.0.1`). */
const TLS_DIR = fileURLToPath(new URL('./tls/', import.meta.url));

/**
 * A TLS target on 127.0.0.1 (`TLS_URL`) with a certificate no client trusts: 200 `tls ok` to
 * everything, counted as `TLS METHOD path` among the server's requests.
 */
async function startTlsServer(counts: Map<string, number>): Promise<{ url: string; close(): Promise<void> }> {
  const [key, cert] = await Promise.all([readFile(join(TLS_DIR, 'key.pem')), readFile(join(TLS_DIR, 'cert.pem'))]);
  const server = https.createServer({ key, cert }, (req, res) => {
    const k = `TLS ${req.method} ${new URL(req.url ?? '/', 'https://x').pathname}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('tls ok');
  });
  server.on('tlsClientError', () => {}); // a client that refuses the certificate: expected here
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A script's directives, in `// @name value` comment lines at its top:
 * - `@flags --no-thresholds`: extra `k6 run` flags;
 * - `@vary iterations requests server checks`: fields whose counts depend on time (kept as "some");
 * - `@env NAME=value`: extra environment.
 */
export interface Directives {
  flags: string[];
  vary: string[];
  env: Record<string, string>;
}

export function directivesOf(source: string): Directives {
  const d: Directives = { flags: [], vary: [], env: {} };
  for (const m of source.matchAll(/^\/\/ @(flags|vary|env) (.+)$/gm)) {
    const words = m[2].trim().split(/\s+/);
    if (m[1] === 'env') for (const w of words) d.env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
    else d[m[1] as 'flags' | 'vary'].push(...words);
  }
  return d;
}

export async function listScripts(): Promise<string[]> {
  return (await readdir(DIFF_SCRIPTS_DIR)).filter((f) => f.endsWith('.js')).sort();
}

export async function scriptSource(name: string): Promise<string> {
  return readFile(join(DIFF_SCRIPTS_DIR, name), 'utf8');
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Which engine runs the script: the built-in one in-process, or a real k6 binary. */
export type Engine = { kind: 'builtin' } | { kind: 'k6'; path: string };

/**
 * Runs one script of scripts/ on an engine against a fresh conformance server (127.0.0.1, free
 * port; `BASE_URL`), with `CLOSED_URL` pointing at a port nothing listens on and `TLS_URL` at a
 * TLS server with an untrusted certificate, and returns its profile. Ports and temp paths are
 * written as `PORT`, `CLOSED`, `TLS_PORT` and `SCRIPT_DIR` so recordings
 * made on any port compare equal.
 */
export async function runCase(name: string, engine: Engine): Promise<Profile> {
  const source = await scriptSource(name);
  const d = directivesOf(source);
  // Only requests from k6 (either engine's default User-Agent) are counted: on a shared machine
  // another process's health poller can land on a freed port that this server reuses.
  const srv = await startConformanceServer({ userAgent: /^k6\// });
  const tls = await startTlsServer(srv.counts);
  const closed = await freePort();
  const port = new URL(srv.url).port;
  const tlsPort = new URL(tls.url).port;
  try {
    const env = { BASE_URL: srv.url, CLOSED_URL: `http://127.0.0.1:${closed}`, TLS_URL: tls.url, ...d.env };
    const flags = ['-q', ...d.flags];
    const script = join(DIFF_SCRIPTS_DIR, name);
    const run =
      engine.kind === 'builtin'
        ? // the recordings are k6 v0.48's: ask for its summary text (the engine's default is v2's compact)
          await runScript(script, { env, flags: ['--summary-mode', 'legacy', ...flags], keepDir: true })
        : // No REST API server: its fixed port 6565 clashes with any other k6 running on the machine.
          await runScriptWithK6(engine.path, script, { env, flags: ['--address', '', ...flags], keepDir: true });
    const files: Record<string, string> = {};
    try {
      for (const f of await readdir(run.dir)) {
        if (f === 'points.ndjson' || f === 'summary.json') continue;
        files[f] = await readFile(join(run.dir, f), 'utf8').catch(() => '(not a file)');
      }
    } finally {
      await rm(run.dir, { recursive: true, force: true });
    }
    const dirs = [DIFF_SCRIPTS_DIR, DIFF_SCRIPTS_DIR.replace(/\/$/, '')];
    const normalise = (s: string) => {
      let t = s
        .replace(/127\.0\.0\.1:\d+->/g, '127.0.0.1:LOCAL->') // the client's ephemeral port in Go's `read tcp a->b` errors
        .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:PORT')
        .replaceAll(`127.0.0.1:${closed}`, '127.0.0.1:CLOSED')
        .replaceAll(`127.0.0.1:${tlsPort}`, '127.0.0.1:TLS_PORT');
      for (const dir of dirs) t = t.replaceAll(`file://${dir}`, 'file://SCRIPT_DIR').replaceAll(dir, 'SCRIPT_DIR');
      return t;
    };
    return profileOf({ run, files, server: srv.counts, vary: d.vary, normalise, handleSummary: /export\s+function\s+handleSummary/.test(source) });
  } finally {
    await srv.close();
    await tls.close();
  }
}
