/**
 * Micro-benchmark (not a test): HTTP client candidates for the builtin k6 engine, each running 50
 * concurrent keep-alive loops (one client/agent per loop, like k6's per-VU connections) against a
 * trivial node:http server in a child process (POST -> 202), versus wrk at 50 connections in the
 * same run. Reports req/s and CPU µs per request of this process (process.cpuUsage).
 *
 *   npx tsx harness/k6/http/client.bench.ts [seconds=4]
 *   UNDICI=/path/to/node_modules/undici/index.js  also measures undici.Client (not a dependency)
 */
import { spawn, execFile } from 'node:child_process';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http1Client } from './http1-client';
import { K6Http } from './k6-http';
import { stubVU } from './testing';

const SECONDS = Number(process.argv[2] ?? 4);
const VUS = 50;
const BODY = JSON.stringify({ device_id: 'dev-1', ts: 1700000000000, temp: 21.5 });

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(202, {'content-type':'application/json'}); res.end('{"accepted":true}'); }); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

async function startServer(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  return { port, stop: () => child.kill() };
}

type Loop = (url: string) => Promise<() => Promise<number>>;

/** Runs VUS loops of `one()` for SECONDS; returns req/s and CPU µs/request. */
async function measure(name: string, url: string, make: Loop): Promise<{ name: string; rps: number; cpuUs: number }> {
  const ones = await Promise.all(Array.from({ length: VUS }, () => make(url)));
  // warm-up
  await Promise.all(ones.map(async (one) => { for (let i = 0; i < 20; i++) await one(); }));
  let count = 0;
  let errors = 0;
  const stopAt = performance.now() + SECONDS * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    ones.map(async (one) => {
      while (performance.now() < stopAt) {
        const status = await one();
        if (status !== 202) errors++;
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const r = { name, rps: count / elapsed, cpuUs: (cpu.user + cpu.system) / count };
  console.log(`${name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s  ${r.cpuUs.toFixed(1).padStart(6)} µs CPU/req  errors=${errors}`);
  return r;
}

const candidates: Record<string, Loop> = {
  'Http1Client (net.Socket)': async (url) => {
    const c = new Http1Client();
    const signal = new AbortController().signal;
    return async () => {
      const r = await c.request({ method: 'POST', url, headers: { 'Content-Type': 'application/json', 'User-Agent': 'k6/0.48.0 (https://k6.io/)' }, body: BODY, timeoutMs: 60000, signal });
      return r.status;
    };
  },
  // The whole k6/http path: params, cookie jar lookup, 9 samples with tags, Response object.
  'k6/http module (stub VU)': async (url) => {
    const vu = stubVU();
    vu.options.sink.push = () => {}; // drop samples: the metrics engine is measured elsewhere
    const h = K6Http.of(vu);
    return async () => (await h.request('POST', url, BODY, { headers: { 'Content-Type': 'application/json' } })).status;
  },
  'node:http Agent(keepAlive, 1)': async (url) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    return () =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'User-Agent': 'k6/0.48.0 (https://k6.io/)', 'Content-Length': Buffer.byteLength(BODY) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(BODY);
      });
  },
};

async function wrk(url: string): Promise<{ rps: number }> {
  const lua = join(tmpdir(), `wrk-post-${process.pid}.lua`);
  writeFileSync(lua, `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`);
  const out = await new Promise<string>((resolve, reject) =>
    execFile('/usr/bin/wrk', ['-t2', '-c50', `-d${SECONDS}s`, '-s', lua, url], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const rps = m ? Number(m[1]) : 0;
  console.log(`${'wrk -t2 -c50'.padEnd(28)} ${rps.toFixed(0).padStart(7)} req/s`);
  return { rps };
}

async function main(): Promise<void> {
  if (process.env.UNDICI) {
    const undici = (await import(process.env.UNDICI)) as { Client: new (origin: string, o?: object) => { request(o: object): Promise<{ statusCode: number; body: { arrayBuffer(): Promise<ArrayBuffer> } }> } };
    candidates['undici.Client (pipelining 1)'] = async (url) => {
      const u = new URL(url);
      const c = new undici.Client(u.origin, { pipelining: 1 });
      return async () => {
        const r = await c.request({ method: 'POST', path: u.pathname, headers: { 'content-type': 'application/json', 'user-agent': 'k6/0.48.0 (https://k6.io/)' }, body: BODY });
        await r.body.arrayBuffer();
        return r.statusCode;
      };
    };
  }
  const srv = await startServer();
  const url = `http://127.0.0.1:${srv.port}/telemetry`;
  try {
    const w = await wrk(url);
    for (const [name, make] of Object.entries(candidates)) {
      const r = await measure(name, url, make);
      console.log(`${''.padEnd(28)} = ${(r.rps / w.rps).toFixed(2)}x wrk`);
    }
  } finally {
    srv.stop();
  }
  process.exit(0);
}

void main();
