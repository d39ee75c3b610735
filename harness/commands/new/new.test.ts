import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessRoot } from '../../build/paths';
import { typeCheck } from '../../build/type-check';
import { ExitCode } from '../../errors';
import { runHarness } from '../../testing';
import { TEMPLATES } from './templates';

describe('harness new', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'harness-new-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  for (const t of TEMPLATES) {
    it(`--template ${t}: writes scenarios/<name>.ts that type-checks against @types/k6 (strict)`, async () => {
      const r = await runHarness(['new', `my-${t}`, '--template', t], { cwd });
      assert.equal(r.code, ExitCode.Ok, r.stderr);
      const file = join(cwd, 'scenarios', `my-${t}.ts`);
      assert.match(r.stdout, new RegExp(`wrote scenarios/my-${t}\\.ts`));
      const { diagnostics } = typeCheck(file, cwd);
      assert.deepEqual(diagnostics, []);
      // the check can fail: a type error in the same file is reported
      writeFileSync(file, `${readFileSync(file, 'utf8')}\nconst n: number = 'x';\n`);
      assert.ok(typeCheck(file, cwd).diagnostics.some((d) => /TS2322/.test(d.message)));
    });
  }

  it('refuses to overwrite (104, one line with a hint) and rejects an unknown template (104)', async () => {
    assert.equal((await runHarness(['new', 'a'], { cwd })).code, ExitCode.Ok);
    const again = await runHarness(['new', 'a', '--template', 'chaos'], { cwd });
    assert.equal(again.code, ExitCode.InvalidConfig);
    assert.match(again.stderr, /scenarios\/a\.ts already exists; harness new never overwrites/);
    assert.match(readFileSync(join(cwd, 'scenarios', 'a.ts'), 'utf8'), /--template protocol/, 'the file is untouched');
    assert.equal((await runHarness(['new', 'b', '--template', 'browser'], { cwd })).code, ExitCode.InvalidConfig);
    assert.equal((await runHarness(['new', 'bad name'], { cwd })).code, ExitCode.InvalidConfig);
  });
});

describe('harness new, then harness run (local runtime, builtin engine) @slow', () => {
  it('`harness new x --template arrival-rate` then `harness run <path> --runtime local --duration 3s` exits 0', async function () {
    this.timeout(240_000);
    const cwd = mkdtempSync(join(tmpdir(), 'harness-new-run-'));
    try {
      const w = await runHarness(['new', join(cwd, 'x.ts'), '--template', 'arrival-rate'], { cwd: harnessRoot });
      assert.equal(w.code, ExitCode.Ok, w.stderr);
      const r = await runHarness(['run', join(cwd, 'x.ts'), '--runtime', 'local', '--engine', 'builtin', '--duration', '3s'], {
        cwd: harnessRoot,
        env: { HARNESS_REPORTS_DIR: join(cwd, 'reports') },
        timeoutMs: 200_000,
      });
      assert.equal(r.code, ExitCode.Ok, r.output);
      assert.match(r.output, /iterations\.+: \d+/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
