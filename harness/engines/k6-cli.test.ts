import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { findRealK6 } from '../testing/real-tools';
import { fitArgvToK6, k6ArgsProblems, k6CliFrom, k6Support, mapK6ExitCode, noSummaryArgs, parseK6RunHelp, parseK6Version, type K6Cli } from './k6-cli';
import { K6Engine } from './k6-engine';
import { k6RunArgv } from './k6-run-argv';
import { K6_CLI_FIXTURES, K6_CLI_VERSIONS, writeStandInK6 } from './testing/stand-in-k6';

async function fixture(version: string): Promise<{ version: string; help: string }> {
  const dir = join(K6_CLI_FIXTURES, version);
  return { version: await readFile(join(dir, 'version.txt'), 'utf8'), help: await readFile(join(dir, 'run-help.txt'), 'utf8') };
}

async function cliOf(version: string): Promise<K6Cli> {
  const f = await fixture(version);
  const cli = k6CliFrom(f.version, f.help);
  assert.ok(cli, `${version}: k6 version parsed`);
  return cli;
}

/** What `harness run` passes (plus the options only benches and chaos use). */
const harnessArgs = {
  vus: 3,
  duration: '5s',
  overrideVia: 'flags' as const,
  env: { BASE_URL: 'http://127.0.0.1:9' },
  tags: { run_id: 'r1' },
  outJsonPath: '/tmp/s.ndjson',
  summaryExportPath: '/tmp/summary.json',
  quiet: true,
  noSummary: true,
  extraArgs: ['--no-thresholds'],
};

describe('real k6 from v0.48 to v2.x: the adapter reads `k6 version` and `k6 run --help` (fixtures per release)', () => {
  it('reads the version and the run flags of every release', async () => {
    const want: Record<string, { summaryModes: string[]; noSummary: boolean }> = {
      'v0.48.0': { summaryModes: [], noSummary: true },
      'v1.0.0': { summaryModes: ['compact', 'full', 'legacy'], noSummary: true },
      'v1.8.1': { summaryModes: ['compact', 'full', 'disabled'], noSummary: false }, // deprecated: hidden from help
      'v2.2.0': { summaryModes: ['compact', 'full', 'disabled'], noSummary: false }, // removed
    };
    for (const v of K6_CLI_VERSIONS) {
      const cli = await cliOf(v);
      assert.equal(cli.version, v);
      assert.deepEqual(cli.summaryModes, want[v].summaryModes, `${v} summary modes`);
      assert.equal(cli.flags.has('no-summary'), want[v].noSummary, `${v} --no-summary`);
      for (const f of ['vus', 'duration', 'env', 'tag', 'out', 'summary-export', 'quiet', 'no-thresholds', 'help', 'address']) assert.ok(cli.flags.has(f), `${v} lists --${f}`);
      assert.deepEqual(k6Support(cli), { ok: true }, v);
    }
    assert.equal((await cliOf('v2.2.0')).flags.has('features'), true, 'v2.2 added --features');
    assert.equal((await cliOf('v1.8.1')).flags.has('features'), false);
  });

  it('passes each release only flags it has: the end-of-test summary is switched off the way each one knows', async () => {
    const base = k6RunArgv('/tmp/script.js', harnessArgs);
    const expectSummary: Record<string, string[]> = {
      'v0.48.0': ['--no-summary'],
      'v1.0.0': ['--no-summary'], // its summary modes are compact|full|legacy: no "disabled" yet
      'v1.8.1': ['--summary-mode=disabled'],
      'v2.2.0': ['--summary-mode=disabled'],
    };
    for (const v of K6_CLI_VERSIONS) {
      const cli = await cliOf(v);
      const { argv, dropped } = fitArgvToK6(cli, base);
      assert.deepEqual(dropped, [], v);
      assert.deepEqual(noSummaryArgs(cli), expectSummary[v], v);
      assert.deepEqual(
        argv,
        base.flatMap((a) => (a === '--no-summary' ? expectSummary[v] : [a])),
        `${v}: everything else unchanged`,
      );
      for (const a of argv) {
        const m = /^--([a-z-]+)/.exec(a);
        if (m) assert.ok(cli.flags.has(m[1]), `${v} has ${a}`);
      }
      assert.equal(argv.at(-1), '/tmp/script.js');
    }
  });

  it('a flag a release lacks is not passed, and said (with its value)', async () => {
    const v048 = await cliOf('v0.48.0');
    const r = fitArgvToK6(v048, ['run', '--summary-mode', 'full', '--features', 'x', '--quiet', '/tmp/s.js']);
    assert.deepEqual(r.argv, ['run', '--quiet', '/tmp/s.js']);
    assert.deepEqual(r.dropped, ['--summary-mode', 'full', '--features', 'x']);
    const v22 = await cliOf('v2.2.0');
    assert.deepEqual(fitArgvToK6(v22, ['run', '--summary-mode=full', '/tmp/s.js']).argv, ['run', '--summary-mode=full', '/tmp/s.js']);
  });

  it('--summary-mode disabled reaches a release without that mode as --no-summary', async () => {
    for (const [v, want] of Object.entries({ 'v0.48.0': ['--no-summary'], 'v1.0.0': ['--no-summary'], 'v2.2.0': ['--summary-mode', 'disabled'] })) {
      const cli = await cliOf(v);
      assert.deepEqual(fitArgvToK6(cli, ['run', '--summary-mode', 'disabled', '--quiet', '/tmp/s.js']), { argv: ['run', ...want, '--quiet', '/tmp/s.js'], dropped: [] }, v);
    }
    const r = fitArgvToK6(await cliOf('v0.48.0'), ['run', '--summary-mode=disabled', '/tmp/s.js']);
    assert.deepEqual(r, { argv: ['run', '--no-summary', '/tmp/s.js'], dropped: [] });
  });

  it('--summary-mode / --secret-source from harness run: what each release cannot take, naming it', async () => {
    const want: Record<string, Record<string, string[]>> = {
      'v0.48.0': { full: ['k6 v0.48.0 has no --summary-mode (k6 v1.0+ has it)'], disabled: [], secrets: ['k6 v0.48.0 has no --secret-source (k6 v1.0+ has it)'] },
      'v1.0.0': { full: [], legacy: [], disabled: [], secrets: [] }, // disabled: as --no-summary
      'v1.8.1': { full: [], legacy: ['k6 v1.8.1 has no summary mode "legacy"; its modes: compact, full, disabled'], disabled: [], secrets: [] },
      'v2.2.0': { full: [], legacy: ['k6 v2.2.0 has no summary mode "legacy"; its modes: compact, full, disabled'], secrets: [] },
    };
    for (const [v, cases] of Object.entries(want)) {
      const cli = await cliOf(v);
      for (const [what, problems] of Object.entries(cases)) {
        const args = what === 'secrets' ? { secretSources: ['file=x'] } : { summaryMode: what };
        assert.deepEqual(k6ArgsProblems(cli, args), problems, `${v} ${what}`);
      }
      assert.deepEqual(k6ArgsProblems(cli, {}), [], `${v}: nothing asked, nothing missing`);
    }
    assert.deepEqual(k6RunArgv('s.js', { summaryMode: 'full', secretSources: ['file=a', 'env'] }), ['run', '--summary-mode', 'full', '--secret-source', 'file=a', '--secret-source', 'env', 's.js']);
  });

  it('supports v0.48.0 up to v2.x; older, newer majors and binaries without the needed flags are refused with why', async () => {
    const help048 = (await fixture('v0.48.0')).help;
    const help22 = (await fixture('v2.2.0')).help;
    const at = (version: string, help: string) => k6Support(k6CliFrom(`k6 ${version} (go1.21.4, linux/amd64)`, help)!);
    assert.match(JSON.stringify(at('v0.47.0', help048)), /older than the oldest supported \(v0\.48\.0 to v2\.x\)/);
    assert.match(JSON.stringify(at('v3.0.0', help22)), /newer than the newest major/);
    assert.deepEqual(at('v2.9.1', help22), { ok: true });
    assert.deepEqual(at('v0.48.1-rc1', help048), { ok: true });
    assert.match(JSON.stringify(at('v1.2.0', help048.replace(/^.*--summary-export.*$/m, ''))), /run has no --summary-export/);
    assert.equal(parseK6Version('k6 v2.2.0 (commit/00a9a1b7f5, go1.25.12, linux/amd64)\nExtensions:\n  github.com/grafana/xk6-x v0.1.0, k6/x/x [js]')?.version, 'v2.2.0', 'an xk6 build');
    assert.equal(parseK6Version('not k6'), undefined);
    assert.deepEqual([...parseK6RunHelp('no flags here').flags], []);
  });

  it('maps every exit code of every release onto ours (97 and v1\'s 110 included)', () => {
    const table: [number, number][] = [
      [0, 0],
      [1, 1],
      [97, 99],
      [98, 110],
      [99, 99],
      [100, 100],
      [101, 101],
      [102, 107],
      [103, 105],
      [104, 104],
      [105, 105],
      [106, 110],
      [107, 107],
      [108, 108],
      [109, 111],
      [110, 99],
      [255, 1],
      [42, 1],
    ];
    for (const [k6, ours] of table) assert.equal(mapK6ExitCode(k6).code, ours, `k6 ${k6}`);
    assert.match(mapK6ExitCode(110).meaning!, /exec\.test\.fail/);
    assert.equal(mapK6ExitCode(99).meaning, undefined, 'same meaning: nothing to say');
  });

  describe('K6Engine with a stand-in binary answering each release\'s texts', () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(join(tmpdir(), 'harness-k6cli-'))));
    after(async () => rm(dir, { recursive: true, force: true }));

    for (const v of K6_CLI_VERSIONS) {
      it(`${v}: available names it as supported; run passes only its flags; k6's 110 (v1+) or 97 becomes 99`, async () => {
        const argvFile = join(dir, `${v}.argv`);
        const bin = await writeStandInK6(join(dir, v), v, { argvFile, runExit: v === 'v0.48.0' ? 97 : 110 });
        const engine = new K6Engine();
        const a = await engine.available({ K6_BIN: bin, PATH: '/usr/bin:/bin' });
        assert.equal(a.ok, true, a.reason);
        assert.equal(a.version, v);
        assert.match(a.reason!, new RegExp(`k6 ${v.replace(/\./g, '\\.')}, supported \\(v0\\.48\\.0 to v2\\.x\\)`));
        const stderr = new PassThrough();
        let err = '';
        stderr.on('data', (d) => (err += d));
        const r = await engine.run({ scriptPath: '/tmp/script.js', args: harnessArgs, cwd: dir, env: { K6_BIN: bin, PATH: '/usr/bin:/bin' }, stderr });
        assert.equal(r.exitCode, 99);
        assert.equal(r.engineExitCode, v === 'v0.48.0' ? 97 : 110);
        assert.match(err, new RegExp(`k6 ${v.replace(/\./g, '\\.')} exited (97|110) \\(.*\\): exit code 99`));
        const argv = (await readFile(argvFile, 'utf8')).trimEnd().split('\n');
        assert.equal(argv.includes('--no-summary'), v === 'v0.48.0' || v === 'v1.0.0');
        assert.equal(argv.includes('--summary-mode=disabled'), v === 'v1.8.1' || v === 'v2.2.0');
        assert.ok(argv.includes('--summary-export') && argv.includes('--no-thresholds') && argv.includes('--quiet'));
      });
    }

    it('an unsupported release is unavailable with the reason, and run refuses it', async () => {
      const bin = await writeStandInK6(join(dir, 'old'), 'v0.48.0', { argvFile: join(dir, 'old.argv'), runExit: 0 });
      // same texts, older version line
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, 'old', 'k6'), (await readFile(bin, 'utf8')).replace(/show '[^']*version\.txt'/, "echo 'k6 v0.46.0 (go1.20, linux/amd64)'"));
      const engine = new K6Engine();
      const a = await engine.available({ K6_BIN: bin, PATH: '/usr/bin:/bin' });
      assert.equal(a.ok, false);
      assert.equal(a.version, 'v0.46.0');
      assert.match(a.reason!, /k6 v0\.46\.0 is older than the oldest supported/);
      await assert.rejects(engine.run({ scriptPath: '/tmp/s.js', args: {}, cwd: dir, env: { K6_BIN: bin, PATH: '/usr/bin:/bin' } }), /k6 engine: k6 v0\.46\.0 is older/);
    });
  });

  it('the recorded v0.48.0 texts are what the real binary prints (when it is here)', async function () {
    const found = findRealK6();
    if (!found.found) {
      console.log(`      skipped: ${found.reason}`);
      return this.skip();
    }
    const f = await fixture('v0.48.0');
    const env = { ...process.env, HOME: '/root', XDG_CONFIG_HOME: '' };
    assert.equal(execFileSync(found.tool.path, ['version'], { encoding: 'utf8', env }), f.version);
    const help = execFileSync(found.tool.path, ['run', '--help'], { encoding: 'utf8', env });
    assert.equal(help.replace(/\(default "[^"]*config\.json"\)/, ''), f.help.replace(/\(default "[^"]*config\.json"\)/, ''), 'same help (the config path depends on the user)');
    const a = await new K6Engine().available({ K6_BIN: found.tool.path, PATH: process.env.PATH });
    assert.equal(a.ok, true, a.reason);
    assert.equal(a.version, 'v0.48.0');
  });
});
