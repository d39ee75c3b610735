import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

/** Runs the project's .dependency-cruiser.cjs on a throwaway tree; returns the violated rule names. */
function cruise(files: Record<string, string>): { code: number; rules: string[]; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true } }));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const run = (type: string) => spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', '--output-type', type, '.'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const json = JSON.parse(run('json').stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
    // The `err` reporter is what `npm run lint:layers` uses: its exit code is the number of errors.
    const err = run('err');
    return { code: err.status ?? -1, rules: json.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort(), output: err.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('layering rules (.dependency-cruiser.cjs)', () => {
  it('pass a tree whose arrows point down', () => {
    const r = cruise({
      'harness/errors/index.ts': 'export const E = 1;\n',
      'harness/io/index.ts': 'export type IoContext = { cwd: string };\n',
      'harness/k6/cli/run-k6.ts': "import type { IoContext } from '../../io';\nimport { E } from '../../errors';\nexport const f = (c: IoContext) => c.cwd + E;\n",
      'harness/run/run-session.ts': "import { f } from '../k6/cli/run-k6';\nexport const s = f;\n",
      'harness/commands/run/index.ts': "import { s } from '../../run/run-session';\nexport const run = s;\n",
      'harness/cli.ts': "import { run } from './commands/run';\nexport const main = run;\n",
      'chaos/experiment/types.ts': 'export interface ChaosTarget { targetUrl: string }\n',
      'target/main.ts': 'export const target = 1;\n',
      'scenarios/lib/index.ts': 'export const lib = 1;\n',
      'scenarios/smoke.ts': "import http from 'k6/http';\nimport { lib } from './lib';\nexport default () => http.get(String(lib));\n",
      'harness/commands/run/run.test.ts': "import { main } from '../../cli';\nimport { target } from '../../../target/main';\nexport const t = [main, target];\n",
    });
    assert.deepEqual(r.rules, []);
    assert.equal(r.code, 0);
  });

  it('fail each wrong arrow with the rule that names it', () => {
    const r = cruise({
      'harness/errors/index.ts': 'export const E = 1;\n',
      'harness/commands/context.ts': 'export type CommandContext = { cwd: string };\n',
      // the engine reaching up into the command layer
      'harness/k6/cli/run-k6.ts': "import type { CommandContext } from '../../commands/context';\nexport const f = (c: CommandContext) => c.cwd;\n",
      // a runtime <-> run cycle
      'harness/run/pid-file.ts': "import { R } from '../runtimes/types';\nexport const P = R;\n",
      'harness/runtimes/types.ts': "import { P } from '../run/pid-file';\nexport const R = 1;\nexport const again = () => P;\n",
      // target importing the harness
      'target/main.ts': "import { E } from '../harness/errors';\nexport const t = E;\n",
      // chaos importing target internals
      'chaos/experiment/probes.ts': "import { t } from '../../target/main';\nexport const p = t;\n",
      // a scenario importing Node and the harness
      'scenarios/bad.ts': "import { readFileSync } from 'node:fs';\nimport { E } from '../harness/errors';\nexport default () => readFileSync(String(E));\n",
      // a command importing the CLI
      'harness/cli.ts': 'export const main = 1;\n',
      'harness/commands/up/index.ts': "import { main } from '../../cli';\nexport const up = main;\n",
    });
    assert.notEqual(r.code, 0, r.rules.join('\n'));
    const has = (rule: string, from: string, to: string) => assert.ok(r.rules.includes(`${rule}: ${from} -> ${to}`), `${rule}: ${from} -> ${to}\n  in\n${r.rules.join('\n')}`);
    has('engine-not-cli-or-run', 'harness/k6/cli/run-k6.ts', 'harness/commands/context.ts');
    has('runtimes-not-run-or-commands', 'harness/runtimes/types.ts', 'harness/run/pid-file.ts');
    assert.ok(r.rules.some((v) => v.startsWith('no-circular: ')), r.rules.join('\n'));
    has('target-imports-nothing-of-ours', 'target/main.ts', 'harness/errors/index.ts');
    has('chaos-declares-what-it-needs', 'chaos/experiment/probes.ts', 'target/main.ts');
    has('scenarios-only-k6-lib-and-duration', 'scenarios/bad.ts', 'harness/errors/index.ts');
    has('scenarios-only-k6-lib-and-duration', 'scenarios/bad.ts', 'fs');
    has('commands-not-cli', 'harness/commands/up/index.ts', 'harness/cli.ts');
  });
});
