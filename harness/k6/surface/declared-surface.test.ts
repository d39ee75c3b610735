/**
 * The declaration walk: every module and value export `@types/k6` declares either exists in the
 * built-in engine with the declared kind, or is refused at load time with `file:line` and a hint.
 * A future `@types/k6` upgrade fails here with a table of what is missing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadScript } from '../runtime/script-runtime';
import { iterationContext, testOptions } from '../runtime/test-helpers';
import { createBuiltinRegistry } from '../modules/builtins';
import { declaredSurface, type DeclaredExport, type DeclaredModule } from './declared-surface';

const typesDir = path.dirname(createRequire(import.meta.url).resolve('@types/k6/package.json'));

/**
 * Declared by @types/k6 but absent from real k6 too (checked against k6's source at v2.2.0), so
 * the engine follows k6. Each entry says where k6 shows it.
 */
const NOT_IN_K6: Record<string, string> = {
  'k6/http SSL_3_0': 'k6 v2.2 js/modules/k6/http/http.go exports TLS_1_0..TLS_1_3 only',
};

type Verdict = { module: string; name: string; declared: string; found: string };

/** What `typeof` must give for a declared kind (constants and namespaces: any defined value). */
function matches(kind: DeclaredExport['kind'], found: string): boolean {
  if (kind === 'function' || kind === 'class') return found === 'function';
  return found !== 'undefined';
}

async function probe(dir: string, m: DeclaredModule): Promise<{ refused: string } | { kinds: Record<string, string> }> {
  const names = m.exports.map((e) => e.name);
  // The import on line 3, so the refusal must point at s.js:3.
  const src = `// probe of ${m.path}\n\nimport * as m from '${m.path}';\nimport d from '${m.path}';\n` +
    `export default function () { const out = {}; for (const n of ${JSON.stringify(names)}) out[n] = typeof (n === 'default' ? d : m[n]); console.log(JSON.stringify(out)); }\n`;
  fs.writeFileSync(path.join(dir, 's.js'), src);
  const o = testOptions(dir);
  let rt;
  try {
    rt = await loadScript('s.js', o, { modules: createBuiltinRegistry() });
  } catch (e) {
    const logged = o.logger.lines.map((l) => l.msg).join('\n');
    return { refused: `${(e as Error).message}\n${logged}` };
  }
  const vu = await rt.newVU(1, o);
  const outcome = await vu.runIteration(iterationContext({}));
  await vu.dispose();
  assert.equal(outcome.status, 'completed', `${m.path}: ${'error' in outcome ? String(outcome.error) : outcome.status}`);
  return { kinds: JSON.parse(o.logger.lines.at(-1)!.msg) as Record<string, string> };
}

describe('k6 API surface: @types/k6 declarations vs the built-in engine', () => {
  it('every declared module and export exists with its kind, or is refused at load time with file:line and a hint', async function () {
    this.timeout(120_000);
    const surface = declaredSurface(typesDir);
    assert.ok(surface.modules.length > 10, 'the walk found the declaration files');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6surface-'));
    const missing: Verdict[] = [];
    const refused: string[] = [];
    try {
      for (const m of surface.modules) {
        const r = await probe(dir, m);
        if ('refused' in r) {
          // refused modules name the import's line and say what to do instead
          if (!/s\.js:3:/.test(r.refused) || !/not supported by the built-in engine.*;/.test(r.refused)) {
            missing.push({ module: m.path, name: '*', declared: 'module', found: r.refused.split('\n')[0]! });
          } else refused.push(`${m.path}: ${/not supported by the built-in engine[^"\n]*/.exec(r.refused)![0]}`);
          continue;
        }
        for (const e of m.exports) {
          const found = r.kinds[e.name] ?? 'undefined';
          if (NOT_IN_K6[`${m.path} ${e.name}`]) continue;
          if (!matches(e.kind, found)) missing.push({ module: m.path, name: e.name, declared: e.kind, found });
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const exportsCount = surface.modules.reduce((n, m) => n + m.exports.length, 0);
    console.log(`      @types/k6 ${surface.version}: ${surface.modules.length} modules, ${exportsCount} value exports; refused: ${refused.length}`);
    for (const r of refused) console.log(`        refused ${r}`);
    if (missing.length > 0) {
      console.log('      missing in the built-in engine (module, export, declared kind, found):');
      for (const v of missing) console.log(`        ${v.module.padEnd(24)} ${v.name.padEnd(32)} ${v.declared.padEnd(10)} ${v.found}`);
    }
    assert.deepEqual(missing, [], `${missing.length} declared exports are neither served nor refused (table above)`);
  });
});
