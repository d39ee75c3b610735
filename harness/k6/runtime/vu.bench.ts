/**
 * Micro-benchmark of the VU runtime (not a test): realm creation time and memory per VU,
 * the transform's cost, and the per-iteration overhead of the await-everything design.
 *   node --expose-gc --import tsx harness/k6/runtime/vu.bench.ts [vus...]
 * Each VU count runs in a fresh child process so RSS figures are not polluted.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScript as loadScriptWith, type ScriptInput } from './script-runtime';
import { createBuiltinRegistry } from '../modules/builtins';
import { iterationContext, testOptions } from './test-helpers';
import { transformScript } from './transform';

/** The runtime is handed its modules; the bench use the built-ins. */
const loadScript = (input: ScriptInput, opts: Parameters<typeof loadScriptWith>[1]) => loadScriptWith(input, opts, { modules: createBuiltinRegistry() });

const SCRIPT = `
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const accepted = new Counter('telemetry_accepted');
const payloadSize = new Trend('payload_bytes');
export const options = { vus: 10, duration: '30s' };
function body() { return JSON.stringify({ device_id: 'dev-' + __VU, ts: Date.now(), temp: 21.5 }); }
export default function () {
  const b = body();
  payloadSize.add(b.length);
  const ok = check({ status: 202 }, { 'accepted 202': (x) => x.status === 202 });
  if (ok) accepted.add(1);
  [1, 2, 3].map((x) => x * 2).forEach((x) => group('g' + x, () => x));
}
`;

const mib = (b: number) => (b / 1048576).toFixed(1);

async function child(vus: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6bench-'));
  fs.writeFileSync(path.join(dir, 's.js'), SCRIPT);
  const opts = testOptions(dir);
  (opts.sink as { push: (s: unknown) => void }).push = () => {}; // discard samples
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const rt = await loadScript('s.js', opts);
  const tLoad = performance.now() - t0;
  const t1 = performance.now();
  const list = [];
  for (let id = 1; id <= vus; id++) list.push(await rt.newVU(id, opts));
  const tCreate = performance.now() - t1;
  gc();
  const rss1 = process.memoryUsage().rss;
  const heap1 = process.memoryUsage().heapUsed;
  // Per-iteration cost: every VU runs iterations round-robin, all on this one event loop.
  const iters = 20_000;
  const cpu0 = process.cpuUsage();
  const t2 = performance.now();
  for (let i = 0; i < iters; i++) await list[i % vus].runIteration(iterationContext({ iteration: i }));
  const tIter = performance.now() - t2;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      vus,
      loadMs: +tLoad.toFixed(1),
      createMs: +tCreate.toFixed(0),
      perVuMs: +(tCreate / vus).toFixed(2),
      rssMiB: +mib(rss1),
      rssDeltaMiB: +mib(rss1 - rss0),
      perVuKiB: +((rss1 - rss0) / vus / 1024).toFixed(0),
      heapMiB: +mib(heap1),
      iterUs: +((tIter * 1000) / iters).toFixed(1),
      iterCpuUs: +((cpu.user + cpu.system) / iters).toFixed(1),
    }),
  );
}

async function transformCost(): Promise<void> {
  // A large realistic input: this folder's own sources bundled as plain JS (~60 KiB).
  const esbuild = await import('esbuild');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const r0 = await esbuild.build({ entryPoints: [path.join(here, 'script-runtime.ts')], bundle: true, write: false, format: 'cjs', platform: 'node', packages: 'external' });
  const src = r0.outputFiles[0].text;
  transformScript(src);
  const t0 = performance.now();
  const r = transformScript(src);
  console.log(JSON.stringify({ transformKiB: +(src.length / 1024).toFixed(0), transformMs: +(performance.now() - t0).toFixed(1), awaits: r.stats.awaits }));
}

const arg = process.argv[2];
if (arg === '--child') await child(Number(process.argv[3]));
else if (arg === '--transform') await transformCost();
else {
  const counts = process.argv.slice(2).map(Number);
  for (const n of counts.length ? counts : [200, 1000]) {
    process.stdout.write(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(n)]));
  }
}
