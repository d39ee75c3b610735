/**
 * target/ is the bottom layer: it imports nothing of ours outside target/ (so the target image
 * needs only target/, package*.json and node_modules), in production code and tests alike.
 * esbuild resolves every import of every file under target/ (the same resolution tsx uses).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
  );
}

describe('layering: target/ imports nothing of ours outside target/', () => {
  it('every file under target/ (tests included) resolves only to target/ and packages', async () => {
    const entries = tsFiles('target');
    assert.ok(entries.length > 20, `found only ${entries.length} files`);
    const r = await build({
      entryPoints: entries.map((e) => join(root, e)),
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outdir: join(root, '.layering-probe'),
      logLevel: 'silent',
    });
    const outside: string[] = [];
    for (const [file, input] of Object.entries(r.metafile.inputs)) {
      if (file.startsWith('target/')) {
        for (const imp of input.imports) if (!imp.external && !imp.path.startsWith('target/')) outside.push(`${file} -> ${imp.path}`);
      } else if (!file.includes(':')) outside.push(`${relative(root, join(root, file))} (reached from target/)`);
    }
    assert.deepEqual(outside, []);
  });
});
