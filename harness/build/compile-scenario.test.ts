import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, InvalidConfigError } from '../errors';
import { compileScenario } from './compile-scenario';
import { ScriptCompileError } from './script-compile-error';

describe('compileScenario', () => {
  let dir: string;
  let out: string;
  let cacheDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-build-'));
    out = join(dir, 'out');
    cacheDir = join(dir, 'cache');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function expectCompileError(file: string): Promise<ScriptCompileError> {
    try {
      await compileScenario(file, { outDir: out, cwd: dir, cache: cacheDir });
    } catch (e) {
      assert.ok(e instanceof ScriptCompileError, `expected ScriptCompileError, got ${e}`);
      return e;
    }
    assert.fail('compile should have failed');
  }

  it('reports every type error as file:line:col message and writes no bundle', async () => {
    await writeFile(
      join(dir, 'typed.ts'),
      [
        "import http from 'k6/http';",
        'export default function (): void {',
        "  const n: number = http.get('http://127.0.0.1:1/');",
        "  http.post(42, 'x');",
        '}',
      ].join('\n'),
    );
    const e = await expectCompileError('typed.ts');
    assert.equal(e.exitCode, ExitCode.ScriptException);
    assert.equal(e.problems.length, 2, e.message);
    assert.match(e.problems[0], /^typed\.ts:3:9 Type '.*' is not assignable to type 'number'.* \(TS2322\)$/);
    assert.match(e.problems[1], /^typed\.ts:4:13 .*\(TS2345\)$/);
    assert.match(e.message, /typed\.ts: 2 type errors; nothing ran/);
    await assert.rejects(readFile(join(out, 'typed.js')), /ENOENT/);
  });

  it('type-checks k6 options against @types/k6 (a misspelt executor is an error)', async () => {
    await writeFile(
      join(dir, 'opts.ts'),
      "import type { Options } from 'k6/options';\nexport const options: Options = { scenarios: { a: { executor: 'constant-vu', vus: 1, duration: '1s' } } };\nexport default function (): void {}\n",
    );
    const e = await expectCompileError('opts.ts');
    assert.match(e.problems[0], /^opts\.ts:2:\d+ .*constant-vu/);
  });

  it('reports a syntax error as file:line:col message', async () => {
    await writeFile(join(dir, 'broken.ts'), 'export default function () {\n  const x = ;\n}\n');
    const e = await expectCompileError('broken.ts');
    assert.equal(e.exitCode, ExitCode.ScriptException);
    assert.match(e.problems[0], /^broken\.ts:2:13 Unexpected ";"$/);
  });

  it('reports a syntax error in a .js script and in an imported file with that file\'s position', async () => {
    await writeFile(join(dir, 'helper.js'), 'export function f() {\n  return {;\n}\n');
    await writeFile(join(dir, 'main.js'), "import { f } from './helper.js';\nexport default function () { f(); }\n");
    const e = await expectCompileError('main.js');
    assert.match(e.problems[0], /^helper\.js:2:\d+ /);
  });

  it('bundles a good scenario into one ES module with k6 and https imports external and an inline source map', async () => {
    await writeFile(join(dir, 'util.ts'), 'export const label = (n: number): string => `n=${n}`;\n');
    await writeFile(
      join(dir, 'good.ts'),
      [
        "import http from 'k6/http';",
        "import { check } from 'k6';",
        "import { Counter } from 'k6/metrics';",
        "import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';",
        "import { label } from './util';",
        "const c = new Counter('things');",
        "export const options = { vus: 1, iterations: 1 };",
        'export default function (): void {',
        "  const r = http.get(`http://127.0.0.1:1/${label(1)}?id=${uuidv4()}`);",
        "  check(r, { ok: (x) => x.status === 200 });",
        '  c.add(1);',
        '  const o = { ...options, extra: r?.status ?? 0 };',
        '  console.log(o);',
        '}',
      ].join('\n'),
    );
    // jslib modules are untyped: declare the one we use for tsc
    await writeFile(join(dir, 'jslib.d.ts'), "declare module 'https://jslib.k6.io/k6-utils/1.4.0/index.js' { export function uuidv4(): string; }\n");
    await writeFile(join(dir, 'good.ts'), `/// <reference path="./jslib.d.ts" />\n${await readFile(join(dir, 'good.ts'), 'utf8')}`);
    const r = await compileScenario('good.ts', { outDir: out, cwd: dir, cache: cacheDir });
    assert.equal(r.bundlePath, join(out, 'good.js'));
    assert.equal(r.sourceMapInline, true);
    assert.deepEqual(r.diagnostics, []);
    const code = await readFile(r.bundlePath, 'utf8');
    assert.match(code, /from "k6\/http"/);
    assert.match(code, /from "k6"/);
    assert.match(code, /from "k6\/metrics"/);
    assert.match(code, /from "https:\/\/jslib\.k6\.io\/k6-utils\/1\.4\.0\/index\.js"/);
    assert.doesNotMatch(code, /from "\.\/util"/, 'relative imports are bundled in');
    assert.match(code, /n=\$\{n\}/);
    // lowered for k6 0.48 (its Babel predates these)
    assert.doesNotMatch(code.split('//# sourceMappingURL')[0], /\?\.|\?\?|\.\.\.options/);
    const map = JSON.parse(Buffer.from(/sourceMappingURL=data:application\/json;base64,(\S+)/.exec(code)![1], 'base64').toString());
    assert.ok(map.sources.includes(join(dir, 'good.ts')), `absolute sources: ${map.sources}`);
    assert.ok(map.sources.includes(join(dir, 'util.ts')));
    assert.equal(r.readsHarnessOverrides, false);
  });

  it('caches by content: a repeat compile is a hit, an edit to an imported file is a miss', async () => {
    await writeFile(join(dir, 'dep.ts'), 'export const n = 1;\n');
    await writeFile(join(dir, 's.ts'), "import { n } from './dep';\nexport default function (): void { console.log(n, __ENV.HARNESS_VUS); }\n");
    const a = await compileScenario('s.ts', { outDir: join(dir, 'run1'), cwd: dir, cache: cacheDir });
    const b = await compileScenario('s.ts', { outDir: join(dir, 'run2'), cwd: dir, cache: cacheDir });
    assert.equal(a.cached, false);
    assert.equal(b.cached, true);
    assert.equal(a.hash, b.hash);
    assert.equal(b.readsHarnessOverrides, true);
    assert.equal(await readFile(a.bundlePath, 'utf8'), await readFile(b.bundlePath, 'utf8'));
    await writeFile(join(dir, 'dep.ts'), 'export const n = 2;\n');
    const c = await compileScenario('s.ts', { outDir: join(dir, 'run3'), cwd: dir, cache: cacheDir });
    assert.equal(c.cached, false);
    assert.notEqual(c.hash, a.hash);
    assert.match(await readFile(c.bundlePath, 'utf8'), /n = 2/);
    // a type error introduced in a dependency is not hidden by the cache
    await writeFile(join(dir, 'dep.ts'), "export const n: number = 'two';\n");
    const e = await compileScenario('s.ts', { outDir: join(dir, 'run4'), cwd: dir, cache: cacheDir }).catch((x) => x);
    assert.ok(e instanceof ScriptCompileError);
    assert.match(e.problems[0], /^dep\.ts:1:14 /);
  });

  it('enforces the scenarios/ boundary: only k6/*, https:// and files under scenarios/', async () => {
    await mkdir(join(dir, 'scenarios'));
    await writeFile(join(dir, 'outside.ts'), 'export const x = 1;\n');
    await writeFile(join(dir, 'scenarios', 'a.ts'), "import { readFileSync } from 'node:fs';\nexport default function (): void { readFileSync('x'); }\n");
    await writeFile(join(dir, 'scenarios', 'b.ts'), "import { x } from '../outside';\nexport default function (): void { console.log(x); }\n");
    const a = await expectCompileError(join('scenarios', 'a.ts'));
    assert.match(a.problems[0], /^scenarios\/a\.ts:1:\d+ "node:fs" cannot be imported by a scenario/);
    const b = await expectCompileError(join('scenarios', 'b.ts'));
    assert.match(b.problems[0], /^scenarios\/b\.ts:1:\d+ "\.\.\/outside" is outside/);
  });

  it('lets scenarios import vocabulary/duration and nothing else of the harness', async () => {
    await mkdir(join(dir, 'scenarios'), { recursive: true });
    await mkdir(join(dir, 'vocabulary', 'duration'), { recursive: true });
    await mkdir(join(dir, 'vocabulary', 'samples'), { recursive: true });
    await writeFile(join(dir, 'vocabulary', 'index.ts'), "export * from './duration';\nexport * from './samples';\n");
    await writeFile(join(dir, 'vocabulary', 'duration', 'index.ts'), "export { ms } from './ms';\n");
    await writeFile(join(dir, 'vocabulary', 'duration', 'ms.ts'), 'export const ms = (s: string): number => Number(s);\n');
    await writeFile(join(dir, 'vocabulary', 'samples', 'index.ts'), "import { statSync } from 'node:fs';\nexport const size = (f: string): number => statSync(f).size;\n");
    await writeFile(join(dir, 'scenarios', 'ok.ts'), "import { ms } from '../vocabulary/duration';\nexport default function (): void { console.log(ms('1')); }\n");
    const c = await compileScenario(join('scenarios', 'ok.ts'), { outDir: join(dir, 'run-ok'), cwd: dir, cache: false });
    assert.match(await readFile(c.bundlePath, 'utf8'), /Number\(s\)/);
    await writeFile(join(dir, 'scenarios', 'all.ts'), "import { ms } from '../vocabulary';\nexport default function (): void { console.log(ms('1')); }\n");
    const all = await expectCompileError(join('scenarios', 'all.ts'));
    assert.match(all.problems[0], /^scenarios\/all\.ts:1:\d+ "\.\.\/vocabulary" is outside .*vocabulary\/duration\//);
    // the allowed module is held to the same rule: it cannot reach Node or the rest of the harness
    await writeFile(join(dir, 'vocabulary', 'duration', 'ms.ts'), "import { size } from '../samples';\nexport const ms = (s: string): number => size(s);\n");
    const leak = await expectCompileError(join('scenarios', 'ok.ts'));
    assert.match(leak.problems[0], /^vocabulary\/duration\/ms\.ts:1:\d+ "\.\.\/samples" is outside/);
  });

  it('a missing file is an invalid-config error', async () => {
    await assert.rejects(compileScenario('nope.ts', { outDir: out, cwd: dir, cache: false }), InvalidConfigError);
  });
});
