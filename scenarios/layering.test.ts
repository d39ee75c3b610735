/**
 * Scenarios are bundled for k6's JS runtime, not Node: scenario code (tests excluded) imports
 * only k6/* and scenarios/lib. esbuild resolves every import of every scenario file.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [`${dir}/${e.name}`] : [],
  );
}

describe('layering: scenarios/ imports only k6/* and scenarios/lib', () => {
  it('every scenario and scenarios/lib file resolves only to k6/* and scenarios/lib', async () => {
    const entries = tsFiles('scenarios');
    assert.ok(entries.length > 5, `found only ${entries.length} files`);
    const r = await build({
      entryPoints: entries.map((e) => join(root, e)),
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      packages: 'external',
      outdir: join(root, '.layering-probe'),
      logLevel: 'silent',
    });
    const wrong: string[] = [];
    for (const [file, input] of Object.entries(r.metafile.inputs)) {
      for (const imp of input.imports) {
        const ok = imp.external ? imp.path === 'k6' || imp.path.startsWith('k6/') : imp.path.startsWith('scenarios/lib/');
        if (!ok) wrong.push(`${file} -> ${imp.path}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
