import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadConfig, readComposeImages, type HarnessConfig } from '../../config';
import { ExitCode, InvalidConfigError } from '../../errors';
import { BuiltinEngine, k6RunArgv, K6_REFERENCE_VERSION } from '../../engines';
import { mergeRunnerStreams } from '../../k6/merge/merge-runner-streams';
import { BUILTIN_METRICS } from '../../k6/metrics/builtin';
import { describeSettings, influxSettings, readRunPoints } from '../../outputs/influxdb';
import { summaryExportJson } from '../../k6/output/summary-export';
import { defaultSummaryText } from '../../k6/output/handle-summary';
import { IN_CLUSTER_BASE_URL, RENDER_RECORD, renderK8sFolder, writeK8sFolder, type RenderRecord } from '../../k8s';
import { baselineDir, loadBaseline } from '../../gate';
import { builtinRunOutputs, checkOutputs, gateOutput, newRunId, RunSession, thresholdCoverageOutput } from '../../run';
import type { CommandContext } from '../context';
import { messages } from '../run/messages';
import { precheckThresholds } from '../run/precheck-thresholds';

/** A ConfigMap holds at most 1 MiB (etcd's object limit); the bundle must fit with room for metadata. */
const CONFIGMAP_LIMIT = 1024 * 1024 - 16 * 1024;

export interface K8sRenderOptions {
  scenario: string;
  parallelism: number;
  out?: string;
  namespace?: string;
  /** Runner image (default `grafana/k6:<the k6 version the harness matches>`). */
  k6Image?: string;
  /** Render the target stack too; the runners load it through Toxiproxy. */
  withTarget?: boolean;
  /** Gateway/worker image for the cluster (default compose.yml's, which a cluster cannot pull). */
  targetImage?: string;
  /** The load's target when the stack is not rendered. */
  targetUrl?: string;
  /** Runners write to this InfluxDB 1.x (`http://host:8086/<database>`, as the cluster reaches it) instead of their logs. */
  influxdb?: string;
  separate?: boolean;
  vus?: number | string;
  duration?: string;
  env?: string[];
  tag?: string[];
  config?: string;
}

/**
 * `harness k8s render <scenario>`: compiles and type-checks the scenario, checks its thresholds,
 * and writes a kustomize-ready folder for k6-operator (script ConfigMap, TestRun, optionally the
 * target stack) whose runners stream k6 JSON to their logs for `harness k8s merge`. Writes files
 * only; nothing touches a cluster. Exit 0, or 104 on bad input.
 */
export async function k8sRender(opts: K8sRenderOptions, ctx: CommandContext): Promise<number> {
  const problems: string[] = [];
  if (!Number.isInteger(opts.parallelism) || opts.parallelism < 1) problems.push(`--parallelism ${opts.parallelism}: must be an integer >= 1`);
  if (!opts.withTarget && !opts.targetUrl) problems.push('the runners need a target: pass --with-target (render the target stack) or --target-url URL (a target the cluster reaches)');
  if (opts.withTarget && opts.targetUrl) problems.push('--with-target and --target-url exclude each other');
  if (opts.namespace !== undefined && !DNS_LABEL.test(opts.namespace)) problems.push(`--namespace ${opts.namespace}: must be a DNS-1123 label (lowercase letters, digits, '-')`);
  if (opts.influxdb !== undefined && !/^https?:\/\/[^/]+\/[^/]+\/?$/.test(opts.influxdb)) problems.push(`--influxdb ${opts.influxdb}: must be http(s)://host:port/<database> (k6's --out influxdb=)`);
  if (problems.length) throw new InvalidConfigError('invalid k8s render options; nothing was written', problems);
  const { config, warnings } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, flags: { vus: opts.vus, duration: opts.duration, env: opts.env, tag: opts.tag }, configFile: opts.config });
  for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);

  const { compileScenario, resolveScenario } = await import('../../build');
  const scenario = await resolveScenario(opts.scenario, ctx.cwd);
  const runId = newRunId(scenario.name);
  const name = `k6-${runId.split('-').slice(1).join('-')}`.slice(0, 52).replace(/-+$/, '');
  const tmp = await mkdtemp(join(tmpdir(), 'harness-k8s-'));
  let script: string;
  let readsOverrides: boolean;
  let thresholds: unknown;
  try {
    const compiled = await compileScenario(scenario.path, { outDir: tmp, cwd: ctx.cwd });
    // the inline source map names this machine's paths and would double the ConfigMap
    script = (await readFile(compiled.bundlePath, 'utf8')).replace(/\n\/\/# sourceMappingURL=data:[^\n]*\n?$/, '\n');
    readsOverrides = compiled.readsHarnessOverrides;
    const { literals } = precheckThresholds(script, scenario.name);
    // The runners judge no thresholds (--no-thresholds), so their streams carry none: `merge`
    // judges what is recorded here. Thresholds computed at init time are not literals: the
    // built-in engine evaluates the script's options once (`k6 inspect`, no load) to get them.
    thresholds =
      literals.length === 1
        ? literals[0]
        : await new BuiltinEngine().inspectThresholds({ scriptPath: compiled.bundlePath, cwd: ctx.cwd, env: ctx.env, args: { env: { ...config.run.env, HARNESS_SEED: String(config.run.seed ?? 1) } } });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (Buffer.byteLength(script) > CONFIGMAP_LIMIT) {
    throw new InvalidConfigError(`${scenario.name}: the compiled script is ${(Buffer.byteLength(script) / 1024).toFixed(0)} KiB; a ConfigMap holds at most 1 MiB`, [], {
      hint: 'move large data out of the script (open() a file from a volume) or use a PersistentVolumeClaim script source',
    });
  }

  const baseUrl = opts.withTarget ? IN_CLUSTER_BASE_URL : opts.targetUrl!;
  // the same flags `harness run` hands k6 (overrides as HARNESS_* env or k6 flags), minus the
  // outputs and the script the operator supplies; `$(` would be expanded by Kubernetes
  const argv = k6RunArgv('-', {
    vus: config.run.vus,
    duration: config.run.duration,
    overrideVia: readsOverrides ? 'env' : 'flags',
    env: { ...config.run.env, BASE_URL: baseUrl, HARNESS_SEED: String(config.run.seed ?? 1), HARNESS_RUN_ID: runId },
    tags: config.run.tags,
  })
    .slice(1, -1)
    .map((a) => a.replaceAll('$(', '$$('));

  const images = readComposeImages(ctx.cwd);
  const targetImage = opts.targetImage ?? images.gateway ?? 'telemetryhub-target:local';
  const k6Image = opts.k6Image ?? `grafana/k6:${K6_REFERENCE_VERSION.replace(/^v/, '')}`;
  const files = renderK8sFolder({
    name,
    namespace: opts.namespace,
    scenario: scenario.name,
    script,
    scriptFile: `${scenario.name.replace(/[^A-Za-z0-9._-]/g, '_')}.js`,
    parallelism: opts.parallelism,
    runId,
    k6Image,
    env: {},
    separate: opts.separate,
    extraArgs: argv,
    thresholds,
    influxdb: opts.influxdb?.replace(/\/+$/, ''),
    target: opts.withTarget
      ? { redis: images.redis ?? 'redis:7.2-alpine', toxiproxy: images.toxiproxy ?? 'ghcr.io/shopify/toxiproxy:2.4.0', gateway: targetImage, worker: targetImage }
      : undefined,
  });
  const out = resolve(ctx.cwd, opts.out ?? join(config.reportsDir, 'k8s', runId));
  await writeK8sFolder(out, files);
  const shown = relative(ctx.cwd, out) || out;
  ctx.stderr.write(`  TestRun ${name}: ${opts.parallelism} runner(s) of ${k6Image}${opts.withTarget ? ', with the target stack' : ''}; run id ${runId}\n`);
  if (opts.withTarget && targetImage.endsWith(':local')) {
    ctx.stderr.write(`  note: the gateway/worker image ${targetImage} exists only on this machine: push it where the cluster pulls from and pass --target-image\n`);
  }
  ctx.stderr.write(`  next: kubectl apply -k ${shown}   (then see ${join(shown, 'README.md')})\n`);
  for (const f of files) ctx.stdout.write(`${join(shown, f.path)}\n`);
  return ExitCode.Ok;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface K8sMergeOptions {
  /** The folder `harness k8s render` wrote (its harness-k8s.json names the run); optional with `fromInfluxdb` and `runId`. */
  rendered?: string;
  /** Each runner's output (`kubectl logs` of a runner pod, or a k6 JSON file, `.gz` too). */
  files: string[];
  /** Read the runners' points back from this InfluxDB 1.x / VictoriaMetrics (`URL[/bucket]`, as `--out influxdb=`) instead of files. */
  fromInfluxdb?: string;
  /** Overrides of the resolved `influxdb` config (env INFLUX_BUCKET / INFLUX_ORG / INFLUX_TOKEN). */
  bucket?: string;
  org?: string;
  token?: string;
  /** The runners' `run_id` tag (default: the rendered record's). */
  runId?: string;
  baseline?: string;
  out?: string[];
  config?: string;
}

/** What the merged run is named for and judged by, from the rendered record or the flags. */
type MergeRecord = Pick<RenderRecord, 'runId' | 'scenario' | 'testRun' | 'namespace' | 'parallelism' | 'k6Image' | 'thresholds'>;

/**
 * `harness k8s merge <rendered-dir> <runner outputs...>` or `harness k8s merge [rendered-dir]
 * --from-influxdb URL --run-id ID`: one run directory for a test that ran as k6-operator
 * runners: the streams merged in time order (read back from the bucket first, before any run
 * directory exists), thresholds judged once over every sample, k6's summary, the report,
 * threshold coverage and (with --baseline) the gate, through the same run session as `harness
 * run`. Exit 0 / 99 / 112 as a local run; 104 on bad input (an unknown run id); 110 when the
 * server cannot be read.
 */
export async function k8sMerge(opts: K8sMergeOptions, ctx: CommandContext): Promise<number> {
  const record = opts.rendered !== undefined ? await readRecord(ctx, opts.rendered) : undefined;
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, flags: { out: opts.out }, configFile: opts.config });
  if (opts.fromInfluxdb === undefined) {
    for (const [flag, v] of [['--bucket', opts.bucket], ['--org', opts.org], ['--token', opts.token], ['--run-id', opts.runId]] as const) {
      if (v !== undefined) throw new InvalidConfigError(`${flag} needs --from-influxdb URL`, [], { hint: 'harness k8s merge --from-influxdb http://127.0.0.1:8086/k6 --run-id <id>' });
    }
    if (!record) throw new InvalidConfigError('name the rendered folder and the runner outputs, or --from-influxdb', [], { hint: 'harness k8s merge <rendered-dir> runners/*.log' });
    const files = opts.files.map((f) => resolve(ctx.cwd, f));
    const missing = files.filter((f) => !existsSync(f));
    if (!files.length) throw new InvalidConfigError('no runner outputs given', [], { hint: 'harness k8s merge <rendered-dir> runners/*.log' });
    if (missing.length) throw new InvalidConfigError('runner outputs not found', missing);
    if (files.length !== record.parallelism) ctx.stderr.write(`warning: ${files.length} runner output(s) for a TestRun of parallelism ${record.parallelism}: the merged run covers only the segments given\n`);
    return mergeInto(ctx, config, opts, record, files.length, files.length, files, `k6-operator (${record.k6Image})`);
  }

  if (opts.files.length) throw new InvalidConfigError('--from-influxdb reads the runners\' points from the server: pass no runner files', opts.files);
  const runId = opts.runId ?? record?.runId;
  if (!runId) throw new InvalidConfigError('--from-influxdb needs --run-id (the runners\' run_id tag) or the rendered folder', [], { hint: 'harness k8s merge --from-influxdb http://127.0.0.1:8086/k6 --run-id <id>' });
  const base = { ...config.influxdb, ...(opts.bucket !== undefined ? { bucket: opts.bucket } : {}), ...(opts.org !== undefined ? { org: opts.org } : {}), ...(opts.token !== undefined ? { token: opts.token } : {}) };
  // a path in the URL names the bucket, as `--out influxdb=URL/<bucket>`; --bucket wins
  const { settings, problems } = influxSettings(base, opts.fromInfluxdb);
  if (opts.bucket !== undefined) settings.bucket = opts.bucket;
  const blocking = problems.filter((p) => !/^shape /.test(p));
  if (blocking.length) throw new InvalidConfigError('invalid --from-influxdb settings; nothing was written', blocking, { hint: 'see docs/scaling.md (Merging from InfluxDB)' });
  const tmp = await mkdtemp(join(tmpdir(), 'harness-k8s-merge-'));
  try {
    const stream = join(tmp, 'influxdb.ndjson');
    const read = await readRunPoints({ url: settings.url, bucket: settings.bucket, token: settings.token, runId, outFile: stream, knownMetric: builtinMetric, signal: ctx.signal });
    ctx.stderr.write(`  read ${read.points} samples of ${read.metrics} metrics of run ${runId} from ${describeSettings(settings).replace(/ shape=\S+/, '')} (${read.server})\n`);
    if (read.untyped.length) ctx.stderr.write(`warning: no k6_metrics point for ${read.untyped.join(', ')}: read as trends (write with the harness's --out influxdb, shape raw, to keep their types)\n`);
    const rec: MergeRecord = record && record.runId === runId ? record : { runId, scenario: record?.scenario ?? runId, testRun: record?.testRun ?? runId, namespace: record?.namespace, parallelism: record?.parallelism ?? 0, k6Image: record?.k6Image ?? 'k6', thresholds: record?.thresholds };
    return await mergeInto(ctx, config, opts, rec, rec.parallelism, 0, [stream], `influxdb (${read.server}, ${publicUrlOf(settings.url)})`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function readRecord(ctx: CommandContext, rendered: string): Promise<RenderRecord> {
  const recordFile = join(resolve(ctx.cwd, rendered), RENDER_RECORD);
  try {
    return JSON.parse(await readFile(recordFile, 'utf8'));
  } catch (e) {
    throw new InvalidConfigError(`${rendered}: no readable ${RENDER_RECORD} (${(e as Error).message})`, [], { hint: 'pass the folder `harness k8s render` wrote, then the runners\' outputs' });
  }
}

function builtinMetric(name: string) {
  return BUILTIN_METRICS.find((m) => m.name === name);
}

function publicUrlOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The merge and verdict of both sources: `files` are k6 JSON streams (one per runner, or the one read back from InfluxDB). */
async function mergeInto(ctx: CommandContext, config: HarnessConfig, opts: K8sMergeOptions, record: MergeRecord, parallelism: number, runners: number, files: string[], source: string): Promise<number> {
  const outputs = checkOutputs(config.run.outputs, builtinRunOutputs(config)).filter((o) => o.wantsSamples !== false);
  outputs.push(thresholdCoverageOutput(config.gate.optionalThresholds));
  if (opts.baseline !== undefined) {
    const dir = baselineDir(ctx.cwd, config.reportsDir, opts.baseline);
    await loadBaseline(dir, opts.baseline);
    outputs.push(gateOutput({ name: opts.baseline, dir, tolerances: config.gate }));
  }
  const fromDb = runners === 0;
  const finished = await RunSession.run(
    {
      ctx,
      config,
      label: record.scenario,
      runId: record.runId,
      watchdog: false,
      info: { scenario: record.scenario, runtime: 'kubernetes', k8s: { testRun: record.testRun, namespace: record.namespace, parallelism, runners: fromDb ? undefined : runners, k6Image: record.k6Image, ...(fromDb ? { source: source } : {}) } },
      outputs,
      verdict: messages.verdict,
    },
    async (session) => {
      session.say(fromDb ? `merging the runners' points of run ${record.runId} from ${source}` : `merging ${files.length} runner stream(s) of TestRun ${record.testRun} into run ${record.runId}`);
      const merged = await session.importSamples(fromDb ? source : `k6-operator (${record.k6Image})`, async ({ samples, summary }) => {
        const m = await mergeRunnerStreams({ files, outFile: samples, thresholds: record.thresholds, signal: ctx.signal });
        await writeFile(summary, summaryExportJson(m.summary));
        return m;
      });
      for (const r of merged.runners) session.say(`  ${fromDb ? 'influxdb' : relative(ctx.cwd, r.file) || r.file}: ${r.iterations} iterations, ${r.requests} requests, ${r.points} samples`);
      if (!merged.runners.some((r) => r.points > 0)) throw new InvalidConfigError('the runner outputs hold no k6 samples', [], { hint: 'collect them with `kubectl logs` of each runner pod (see the rendered README.md)' });
      ctx.stdout.write(defaultSummaryText(merged.summary, 'compact', false) /* k6 v2's default layout */);
      for (const e of merged.thresholdErrors) session.say(`threshold error on ${e.metric}: ${e.message}`);
      if (merged.breached.length) {
        const over = fromDb ? 'all runners\' samples in the bucket' : `all ${files.length} runner(s)`;
        session.say(`thresholds on metrics ${merged.breached.map((b) => `'${b}'`).join(', ')} have been crossed (judged once over ${over})`);
        return ExitCode.ThresholdsFailed;
      }
      return ExitCode.Ok;
    },
  );
  return finished.code;
}
