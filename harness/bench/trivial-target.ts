import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The trivial target the engine benchmarks load: 202 with a small JSON body, keep-alive, on a
 * free 127.0.0.1 port. As cheap as a server gets, so the figures measure the client side.
 */
export async function startTrivialTarget(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"accepted":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const SELF = fileURLToPath(import.meta.url);

/**
 * The same target in its own process, as a real target is: a suite that also does work of its
 * own while the engine runs (the InfluxDB output) must not share the target's event loop.
 */
export async function spawnTrivialTarget(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => reject(new Error(`trivial target exited (${c}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1] === SELF) {
  const t = await startTrivialTarget();
  process.stdout.write(`${t.url}\n`);
}

/**
 * The k6 script the throughput benchmarks (engine, runners, InfluxDB) run against the trivial
 * target: 50 VUs POST one sample to /telemetry and check the 202, for `seconds`.
 */
export function trivialPostScript(seconds: number): string {
  return (
    `import http from 'k6/http';\nimport { check } from 'k6';\nexport const options = { vus: 50, duration: '${seconds}s' };\n` +
    `const body = JSON.stringify({ device_id: 'dev-1', temp: 21.5 });\nconst params = { headers: { 'Content-Type': 'application/json' } };\n` +
    `export default function () { const r = http.post(\`\${__ENV.BASE_URL}/telemetry\`, body, params); check(r, { 'is 202': (x) => x.status === 202 }); }\n`
  );
}
