import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from './cli';
import { captureContext, runHarness } from './testing';

/** What a usage error must look like: one line naming the command and the problem, a blank line, the usage. */
function assertUsageError(err: string, line: RegExp, usageFirstLine: string): void {
  const lines = err.split('\n');
  assert.match(lines[0]!, line, err);
  assert.equal(lines[1], '', `the message is one line:\n${err}`);
  assert.equal(lines[2], usageFirstLine, err);
  assert.doesNotMatch(err, /internal error|this is a bug|^\s+at /m, err);
}

// [argv, first line, first line of the usage that follows]
const usageErrors: Array<[string[], RegExp, string]> = [
  [['run'], /^harness run: missing argument <scenario>$/, 'harness run <scenario>'],
  [['run', 'smoke', '--bogus'], /^harness run: unknown option --bogus$/, 'harness run <scenario>'],
  [['run', 'smoke', '--bogus=1'], /^harness run: unknown option --bogus$/, 'harness run <scenario>'],
  [['run', 'smoke', 'extra'], /^harness run: unexpected argument "extra"$/, 'harness run <scenario>'],
  [['run', 'smoke', '--runtime', 'nope'], /^harness run: invalid value "nope" for --runtime; choose one of: auto, docker, local, external$/, 'harness run <scenario>'],
  [['run', 'smoke', '--duration'], /^harness run: missing value for --duration$/, 'harness run <scenario>'],
  [['bogus'], /^harness: unknown command "bogus"$/, 'harness <command> [options]'],
  [['--bogus'], /^harness: name a command; `harness --help` lists them$/, 'harness <command> [options]'],
  [['chaos'], /^harness chaos: missing argument \[experiment\] \(or pass --all\)$/, 'harness chaos [experiment]'],
  [['chaos', '--all', '--runtime', 'external'], /^harness chaos: invalid value "external" for --runtime/, 'harness chaos [experiment]'],
  [['reap', '--run-id'], /^harness reap: missing value for --run-id$/, 'harness reap'],
  [['setup', '--for', 'x'], /^harness setup: invalid value "x" for --for; choose one of: run, test$/, 'harness setup'],
];

describe('harness CLI (main, in-process)', () => {
  let cwd: string;
  before(async () => {
    // Nothing here may start anything; an empty directory proves it (no config, no reports).
    cwd = await mkdtemp(join(tmpdir(), 'harness-cli-'));
  });
  after(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('`harness` alone prints the help and exits 0', async () => {
    const ctx = captureContext(cwd);
    assert.equal(await main([], ctx), 0);
    assert.match(ctx.out(), /^harness <command> \[options\]\n\nCommands:\n/);
    for (const c of ['run', 'chaos', 'list', 'up', 'down', 'doctor', 'reap', 'setup', 'k6']) assert.match(ctx.out(), new RegExp(`harness ${c}\\b`));
    assert.equal(ctx.err(), '');
  });

  it('--help, a command\'s --help and --version print to stdout and exit 0', async () => {
    const version = JSON.parse(await readFile('package.json', 'utf8')).version as string;
    for (const [argv, first] of [
      [['--help'], 'harness <command> [options]'],
      [['run', '--help'], 'harness run <scenario>'],
      [['chaos', '--help'], 'harness chaos [experiment]'],
      [['--version'], version],
    ] as const) {
      const ctx = captureContext(cwd);
      assert.equal(await main([...argv], ctx), 0, argv.join(' '));
      assert.equal(ctx.out().split('\n')[0], first, argv.join(' '));
      assert.equal(ctx.err(), '', argv.join(' '));
    }
  });

  for (const [argv, line, usage] of usageErrors) {
    it(`usage error: harness ${argv.join(' ')} -> 104, one line and the usage`, async () => {
      const ctx = captureContext(cwd);
      assert.equal(await main(argv, ctx), 104);
      assertUsageError(ctx.err(), line, usage);
      assert.equal(ctx.out(), '');
    });
  }

  it("a command's own invalid-input error is 104 with its message and hint, no usage", async () => {
    const ctx = captureContext(cwd);
    assert.equal(await main(['run', 'smoke', '--runtime', 'local', '--vus', 'abc'], ctx), 104);
    assert.match(ctx.err(), /^invalid configuration\n {2}- --vus: must be an integer/);
    assert.doesNotMatch(ctx.err(), /Options:|internal error/);
  });

  it('a genuine bug (a plain Error escaping a command) stays 111 with "this is a bug"', async () => {
    const ctx = captureContext(cwd);
    const broken = new Writable({
      write(_c, _e, cb) {
        cb(new TypeError('stdout broke'));
      },
    });
    broken.on('error', () => {});
    const write = broken.write.bind(broken);
    broken.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (String(chunk).startsWith('Scenarios')) throw new TypeError('stdout broke');
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof broken.write;
    assert.equal(await main(['list'], { ...ctx, stdout: broken }), 111);
    assert.match(ctx.err(), /^internal error: TypeError: stdout broke/);
    assert.match(ctx.err(), /this is a bug in the harness/);
  });
});

describe('harness CLI (the bin, spawned)', () => {
  it('exit codes as a user sees them: help 0, usage errors 104 (one line + usage, no stack trace)', async () => {
    const [bare, help, noScenario, bogus, unknownCommand] = await Promise.all([
      runHarness([]),
      runHarness(['--help']),
      runHarness(['run']),
      runHarness(['run', 'smoke', '--bogus']),
      runHarness(['bogus']),
    ]);
    assert.equal(bare.code, 0, bare.stderr);
    assert.match(bare.stdout, /^harness <command> \[options\]/);
    assert.equal(help.code, 0, help.stderr);
    assert.equal(help.stdout, bare.stdout);
    assert.equal(noScenario.code, 104, noScenario.stderr);
    assertUsageError(noScenario.stderr, /^harness run: missing argument <scenario>$/, 'harness run <scenario>');
    assert.equal(bogus.code, 104, bogus.stderr);
    assertUsageError(bogus.stderr, /^harness run: unknown option --bogus$/, 'harness run <scenario>');
    assert.equal(unknownCommand.code, 104, unknownCommand.stderr);
    assertUsageError(unknownCommand.stderr, /^harness: unknown command "bogus"$/, 'harness <command> [options]');
  });
});
