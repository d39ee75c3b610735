/** Runs a script's default function once per VU on the builtin modules (tests of modules/ only). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadScript } from '../runtime/script-runtime';
import { iterationContext, testOptions } from '../runtime/test-helpers';
import { createBuiltinRegistry } from './builtins';

export async function runOnce(src: string, opts: { vus?: number; iterations?: number; ctx?: Parameters<typeof iterationContext>[0] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6mod-'));
  fs.writeFileSync(path.join(dir, 's.js'), src);
  const o = testOptions(dir);
  const rt = await loadScript('s.js', o, { modules: createBuiltinRegistry() });
  const outcomes = [];
  for (let id = 1; id <= (opts.vus ?? 1); id++) {
    const vu = await rt.newVU(id, o);
    for (let i = 0; i < (opts.iterations ?? 1); i++) outcomes.push(await vu.runIteration(iterationContext({ ...opts.ctx, iteration: i })));
    await vu.dispose();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { opts: o, outcomes, logs: o.logger.lines.map((l) => (l.level === 'info' ? l.msg : `${l.level}: ${l.msg}`)) };
}
