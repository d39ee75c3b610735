import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError } from '../errors';
import { listScenarios, readDescription, resolveScenario } from './catalog';
import { compileScenario } from './compile-scenario';
import { harnessRoot } from './paths';

const CATALOG = ['baseline', 'high-concurrency', 'smoke', 'soak', 'spike', 'steady', 'stress'];

describe('scenario catalog', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-catalog-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('lists every catalog scenario with its description, and not lib/ or tests', async () => {
    const list = await listScenarios(harnessRoot);
    assert.deepEqual(
      list.map((s) => s.name),
      CATALOG,
    );
    for (const s of list) {
      assert.ok(s.description.length > 20, `${s.name} has a description`);
      assert.doesNotMatch(s.description, /\*|\n/);
    }
    assert.match(list.find((s) => s.name === 'smoke')!.description, /^Smoke: 10 VUs for 30 s/);
  });

  it('every catalog scenario type-checks and compiles, keeping k6 imports external', async () => {
    for (const s of await listScenarios(harnessRoot)) {
      const r = await compileScenario(s.path, { outDir: join(dir, 'out'), cwd: harnessRoot, cache: join(dir, 'cache') });
      const code = await readFile(r.bundlePath, 'utf8');
      assert.match(code, /from "k6(\/[a-z]+)?"/, s.name);
      assert.doesNotMatch(code, /from "\.{1,2}\//, `${s.name}: no relative imports left`);
      assert.equal(r.readsHarnessOverrides, true, `${s.name} honours --vus/--duration via HARNESS_* env`);
      assert.ok(code.includes('export {') || code.includes('export default'), s.name);
    }
  });

  it('resolves a catalog name, a relative path, and rejects an unknown name listing the valid ones', async () => {
    const smoke = await resolveScenario('smoke', harnessRoot);
    assert.equal(smoke.path, join(harnessRoot, 'scenarios', 'smoke.ts'));
    assert.equal(smoke.origin, 'bundled');
    await writeFile(join(dir, 'mine.js'), '/** Mine: a custom script. */\nexport default function () {}\n');
    const mine = await resolveScenario('./mine.js', dir);
    assert.deepEqual(mine, { name: 'mine', path: join(dir, 'mine.js'), description: 'Mine: a custom script.', origin: 'path' });
    await assert.rejects(resolveScenario('smok', harnessRoot), (e: unknown) => {
      assert.ok(e instanceof InvalidConfigError);
      assert.match(e.message, /unknown scenario "smok"; valid: baseline, high-concurrency, smoke, soak, spike, steady, stress/);
      return true;
    });
    await assert.rejects(resolveScenario('./missing.ts', dir), /scenario file not found: \.\/missing\.ts/);
  });

  it('a project scenarios/ folder shadows and extends the bundled catalog', async () => {
    const project = join(dir, 'project');
    await mkdir(join(project, 'scenarios'), { recursive: true });
    await writeFile(join(project, 'scenarios', 'smoke.ts'), '/** Our own smoke. */\nexport default function (): void {}\n');
    await writeFile(join(project, 'scenarios', 'checkout.ts'), '/**\n * Checkout flow.\n */\nexport default function (): void {}\n');
    const list = await listScenarios(project);
    assert.deepEqual(list.map((s) => `${s.name}:${s.origin}`), [
      'baseline:bundled', 'checkout:project', 'high-concurrency:bundled', 'smoke:project', 'soak:bundled', 'spike:bundled', 'steady:bundled', 'stress:bundled',
    ]);
    assert.equal((await resolveScenario('smoke', project)).description, 'Our own smoke.');
  });

  it('reads the description from the first paragraph of the leading doc block', () => {
    const cases: [string, string][] = [
      ['/**\n * One line.\n *\n * Details.\n */\nexport default 1;', 'One line.'],
      ['/** Inline. */', 'Inline.'],
      ['/**\n * Wrapped over\n * two lines.\n * @slo p95\n */', 'Wrapped over two lines.'],
      ['#!/usr/bin/env k6\n// licence\n/**\n * After a line comment.\n */', 'After a line comment.'],
      ["import http from 'k6/http';\n/** Too late. */", ''],
      ['// only a line comment\nexport default 1;', ''],
    ];
    for (const [src, want] of cases) assert.equal(readDescription(src), want, src);
  });
});
