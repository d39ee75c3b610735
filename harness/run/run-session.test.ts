import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../config';
import { AbortedError, ExitCode, InfraError, InvalidConfigError } from '../errors';
import { captureContext } from '../testing';
import { PidFile } from '../run-record';
import { builtinRunOutputs, checkOutputs, type RunOutput } from './outputs';
import type { RunEngine } from './run-engine';
import { RunSession, type RunSessionOptions } from './run-session';

/**
 * The run session on the `external` runtime (nothing is started: only a URL) with stand-in
 * engines, so the lifecycle rules are checked without processes. The commands' own tests run
 * it on the real local and docker runtimes.
 */
describe('RunSession: one lifecycle for run, chaos and up', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'run-session-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  async function options(o: { signal?: AbortSignal; out?: string[] } = {}) {
    const ctx = captureContext(cwd, { signal: o.signal });
    const { config } = await loadConfig({ cwd, env: {}, flags: { runtime: 'external', targetUrl: 'http://127.0.0.1:9', out: o.out, seed: 42 } });
    const opts: RunSessionOptions = { ctx, config, label: 'unit', info: { kind: 'test' }, watchdog: false, outputs: checkOutputs(config.run.outputs), verdict: (code, dir) => `verdict ${code} ${dir}` };
    return { ctx, opts };
  }
  const read = (file: string) => readFileSync(file, 'utf8');

  it('open -> stack -> engine step -> finish: run.json, exit-code, verdict, pid tracked while the engine runs, json=PATH copied', async () => {
    const { ctx, opts } = await options({ out: ['json=out/copy.ndjson'] });
    const seen: { recorded?: number[]; outJson?: string; summary?: string; base?: string } = {};
    const engine: RunEngine = {
      name: 'stand-in',
      async run(req) {
        req.onStart?.(4_000_000); // no such pid: only recorded
        await new Promise((r) => setTimeout(r, 50)); // pids.json writes are serialised
        seen.recorded = (await PidFile.read(join(req.cwd, 'reports/runs', String(opts.runId ?? ''), 'pids.json')))?.processes.map((p) => p.pid);
        seen.outJson = req.args.outJsonPath;
        seen.summary = req.args.summaryExportPath;
        seen.base = req.args.env?.BASE_URL;
        writeFileSync(req.args.outJsonPath!, '{"metric":"http_reqs","type":"Point","data":{"value":1}}\n');
        return { exitCode: 0 };
      },
    };
    opts.runId = '20260101T000000-unit-abcd';
    const finished = await RunSession.run(opts, async (session) => {
      assert.equal(session.seed, 42);
      const started = await session.startStack();
      assert.equal(started.stack.targetUrl, 'http://127.0.0.1:9');
      const r = await started.engine(engine).run({ args: { env: { BASE_URL: started.stack.targetUrl } } });
      return r.exitCode;
    });
    assert.equal(finished.code, 0, ctx.err());
    const dir = finished.runDir;
    assert.deepEqual(seen, { recorded: [4_000_000], outJson: join(dir, 'samples.ndjson'), summary: join(dir, 'summary.json'), base: 'http://127.0.0.1:9' });
    assert.deepEqual((await PidFile.read(join(dir, 'pids.json')))!.processes, [], 'the engine is off the list once it ended');
    assert.equal(read(join(dir, 'exit-code')).trim(), '0');
    assert.equal(read(join(dir, 'seed')).trim(), '42');
    const info = JSON.parse(read(join(dir, 'run.json')));
    assert.equal(info.kind, 'test');
    assert.equal(info.runtime, 'external');
    assert.equal(info.engine, 'stand-in');
    assert.equal(info.exitCode, 0);
    assert.ok(info.finishedAt >= info.startedAt);
    // the copy was taken while the stream was plain; the run directory keeps it gzip-compressed
    assert.equal(existsSync(join(dir, 'samples.ndjson')), false);
    assert.equal(read(join(cwd, 'out/copy.ndjson')), gunzipSync(readFileSync(join(dir, 'samples.ndjson.gz'))).toString('utf8'));
    assert.equal(ctx.out(), `verdict 0 ${finished.shownDir}\n`);
    assert.match(ctx.err(), /tearing down/);
    // every run gets its report (the session's last output), with where it ran
    for (const f of ['report.html', 'junit.xml', 'summary.md']) assert.ok(existsSync(join(dir, f)), f);
    assert.match(read(join(dir, 'summary.md')), /^## ✅ .*\(exit 0\)/);
    assert.match(info.machine, /Node v/);
  });

  it('the report comes after every other output: a gate that re-codes the run is what the report shows', async () => {
    const { opts } = await options();
    const gate: RunOutput = { name: 'gate', check() {}, afterRun: () => ExitCode.ThresholdsFailed };
    opts.outputs = [...(opts.outputs ?? []), gate];
    const finished = await RunSession.run(opts, async (session) => {
      const started = await session.startStack();
      return (await started.engine({ name: 'x', run: async (req) => (writeFileSync(req.args.outJsonPath!, ''), 0) }).run({ args: {} })).exitCode;
    });
    assert.equal(finished.code, ExitCode.ThresholdsFailed);
    assert.match(read(join(finished.runDir, 'summary.md')), /^## ❌ .*\(exit 99\)/);
  });

  it('report: false (tests, tools) writes none', async () => {
    const { opts } = await options();
    opts.report = false;
    const finished = await RunSession.run(opts, async (session) => {
      const started = await session.startStack();
      return (await started.engine({ name: 'x', run: async (req) => (writeFileSync(req.args.outJsonPath!, ''), 0) }).run({ args: {} })).exitCode;
    });
    assert.equal(existsSync(join(finished.runDir, 'report.html')), false);
  });

  it('--out none: the engine is asked for no sample stream', async () => {
    const { opts } = await options({ out: ['none'] });
    let outJson: string | undefined = 'unset';
    const finished = await RunSession.run(opts, async (session) => {
      const started = await session.startStack();
      return (await started.engine({ name: 'x', run: async (req) => ((outJson = req.args.outJsonPath), 0) }).run({ args: {} })).exitCode;
    });
    assert.equal(finished.code, 0);
    assert.equal(outJson, undefined);
    assert.equal(existsSync(join(finished.runDir, 'samples.ndjson')), false);
    assert.equal(existsSync(join(finished.runDir, 'samples.ndjson.gz')), false);
  });

  it('--out none cannot be combined, a bad influxdb URL fails fast with a hint, json=- is refused', async () => {
    assert.throws(() => checkOutputs(['none', 'json']), (e: InvalidConfigError) => e.problems.some((p) => /none: cannot be combined/.test(p)));
    const { config } = await loadConfig({ cwd, env: {} });
    assert.throws(() => checkOutputs(['influxdb=not-a-url'], builtinRunOutputs(config)), (e: InvalidConfigError) => e.exitCode === ExitCode.InvalidConfig && e.problems.some((p) => /"not-a-url" is not a URL.*docs\/influxdb.md/.test(p)));
    assert.deepEqual(checkOutputs(['influxdb=http://127.0.0.1:8086/mydb'], builtinRunOutputs(config)).map((o) => o.name), ['influxdb=http://127.0.0.1:8086/mydb']);
    assert.throws(() => checkOutputs(['json=-']), (e: InvalidConfigError) => e.problems.some((p) => /json=- \(stdout\)/.test(p)));
    assert.throws(() => checkOutputs(['kafka']), (e: InvalidConfigError) => e.problems.some((p) => /unknown output "kafka"; valid: json, none, influxdb/.test(p)));
    assert.deepEqual(checkOutputs(['json', 'json=a.ndjson']).map((o) => o.name), ['json', 'json=a.ndjson']);
  });

  it('exit code rules: thrown errors by their code; after the signal everything but InvalidConfig is 105', async () => {
    const table: Array<[string, boolean, () => number, number]> = [
      ['clean 0', false, () => 0, 0],
      ['engine 99', false, () => 99, 99],
      ['infra error', false, () => { throw new InfraError('redis down'); }, ExitCode.InfraFailure],
      ['a bug', false, () => { throw new TypeError('x is undefined'); }, ExitCode.Internal],
      ['0 after the signal', true, () => 0, ExitCode.ExternalAbort],
      ['infra error after the signal', true, () => { throw new InfraError('killed'); }, ExitCode.ExternalAbort],
      ['invalid config after the signal', true, () => { throw new InvalidConfigError('bad'); }, ExitCode.InvalidConfig],
      ['aborted', true, () => { throw new AbortedError('stop'); }, ExitCode.ExternalAbort],
    ];
    for (const [name, abort, middle, want] of table) {
      const ac = new AbortController();
      if (abort) ac.abort();
      const { opts } = await options({ signal: ac.signal });
      const finished = await RunSession.run(opts, async () => middle());
      assert.equal(finished.code, want, name);
      assert.equal(read(join(finished.runDir, 'exit-code')).trim(), String(want), name);
      assert.equal(JSON.parse(read(join(finished.runDir, 'run.json'))).exitCode, want, name);
    }
  });

  it('startStack after the signal starts nothing and exits 105', async () => {
    const ac = new AbortController();
    ac.abort();
    const { opts } = await options({ signal: ac.signal });
    const finished = await RunSession.run(opts, async (s) => ((await s.startStack()), 0));
    assert.equal(finished.code, ExitCode.ExternalAbort);
    assert.equal(JSON.parse(read(join(finished.runDir, 'run.json'))).runtime, undefined);
  });

  it('outputs: onEngineStart before and onSamplesFile after the engine, afterRun after teardown may re-code the run (a gate); finish runs once', async () => {
    const { ctx, opts } = await options();
    const calls: string[] = [];
    const gate: RunOutput = {
      name: 'gate',
      check() {},
      onEngineStart: (file) => void calls.push(`start ${file.endsWith('samples.ndjson')}`),
      onSamplesFile: (file) => void calls.push(`samples ${file.endsWith('samples.ndjson')}`),
      afterRun: ({ code, info }) => {
        calls.push(`afterRun ${code} ${info.exitCode}`);
        return ExitCode.ThresholdsFailed;
      },
    };
    opts.outputs = [gate];
    const session = await RunSession.open(opts);
    const started = await session.startStack();
    await started.engine({ name: 'x', run: async (req) => (writeFileSync(req.args.outJsonPath!, ''), 0) }).run({ args: {} });
    const first = await session.finish({ code: 0 });
    const again = await session.finish({ error: new Error('late') });
    assert.equal(first.code, ExitCode.ThresholdsFailed);
    assert.equal(again, first);
    assert.deepEqual(calls, ['start true', 'samples true', 'afterRun 0 undefined']);
    assert.equal(read(join(first.runDir, 'exit-code')).trim(), '99');
    assert.doesNotMatch(ctx.err(), /late/);
  });
});
