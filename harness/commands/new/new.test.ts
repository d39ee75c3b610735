import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessRoot } from '../../build/paths';
import { typeCheck } from '../../build/type-check';
import { ExitCode } from '../../errors';
import { TEMPLATES } from './templates';

const bin = join(harnessRoot, 'harness', 'bin', 'harness.mjs');
const harness = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

describe('harness new', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'harness-new-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  for (const t of TEMPLATES) {
    it(`--template ${t}: writes scenarios/<name>.ts that type-checks against @types/k6 (strict)`, () => {
      const r = harness(['new', `my-${t}`, '--template', t], cwd);
      assert.equal(r.status, ExitCode.Ok, r.stderr);
      const file = join(cwd, 'scenarios', `my-${t}.ts`);
      assert.match(r.stdout, new RegExp(`wrote scenarios/my-${t}\\.ts`));
      const { diagnostics } = typeCheck(file, cwd);
      assert.deepEqual(diagnostics, []);
      // the check can fail: a type error in the same file is reported
      writeFileSync(file, `${readFileSync(file, 'utf8')}\nconst n: number = 'x';\n`);
      assert.ok(typeCheck(file, cwd).diagnostics.some((d) => /TS2322/.test(d.message)));
    });
  }

  it('refuses to overwrite (104, one line with a hint) and rejects an unknown template (104)', () => {
    assert.equal(harness(['new', 'a'], cwd).status, ExitCode.Ok);
    const again = harness(['new', 'a', '--template', 'chaos'], cwd);
    assert.equal(again.status, ExitCode.InvalidConfig);
    assert.match(again.stderr, /scenarios\/a\.ts already exists; harness new never overwrites/);
    assert.match(readFileSync(join(cwd, 'scenarios', 'a.ts'), 'utf8'), /--template protocol/, 'the file is untouched');
    assert.equal(harness(['new', 'b', '--template', 'browser'], cwd).status, ExitCode.InvalidConfig);
    assert.equal(harness(['new', 'bad name'], cwd).status, ExitCode.InvalidConfig);
  });
});

describe('harness new, then harness run (local runtime, builtin engine) @slow', () => {
  it('`harness new x --template arrival-rate` then `harness run <path> --runtime local --duration 3s` exits 0', async function () {
    this.timeout(240_000);
    const cwd = mkdtempSync(join(tmpdir(), 'harness-new-run-'));
    try {
      const w = harness(['new', join(cwd, 'x.ts'), '--template', 'arrival-rate'], harnessRoot);
      assert.equal(w.status, ExitCode.Ok, w.stderr);
      const child = spawn(process.execPath, [bin, 'run', join(cwd, 'x.ts'), '--runtime', 'local', '--engine', 'builtin', '--duration', '3s'], {
        cwd: harnessRoot,
        env: { ...process.env, HARNESS_REPORTS_DIR: join(cwd, 'reports') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      assert.equal(code, ExitCode.Ok, output);
      assert.match(output, /iterations\.+: \d+/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
