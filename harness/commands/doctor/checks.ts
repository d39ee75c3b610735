import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { which } from '../../setup';
import { detectToxiproxy } from '../../runtimes/local/toxiproxy-provider';
import type { CheckResult } from './check-result';
import { K6Engine, K6_SUPPORTED_RANGE as K6_SUPPORTED } from '../../engines';
import { nodeCheck } from './node-version';

export type { CheckResult } from './check-result';

export interface CheckContext {
  cwd: string;
  env: Record<string, string | undefined>;
  influxUrl: string;
  grafanaUrl: string;
}

function run(cmd: string, args: string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) =>
    // Some tools (wrk -v) print their version and exit non-zero: output wins over the status.
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`.trim();
      if (err && !(out && (err as { code?: unknown }).code !== undefined && typeof (err as { code?: unknown }).code === 'number')) reject(err);
      else resolve(out);
    }),
  );
}

async function binary(name: string, bin: string, args: string[], env: CheckContext['env'], pick: (out: string) => string, hint: string, required = false): Promise<CheckResult> {
  const path = await which(bin, env);
  if (!path) return { name, ok: false, detail: 'not found', hint, required };
  try {
    return { name, ok: true, detail: `${pick(await run(path, args))} (${path})`, required };
  } catch (e) {
    return { name, ok: false, detail: `${path} failed: ${(e as Error).message.split('\n')[0]}`, hint, required };
  }
}

async function http(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return `HTTP ${res.status}`;
  } catch {
    return undefined;
  }
}

export async function dockerCheck(env: CheckContext['env']): Promise<CheckResult> {
  const name = 'Docker daemon';
  const socket = '/var/run/docker.sock';
  if (!env.DOCKER_HOST && !existsSync(socket)) {
    const dockerd = await which('dockerd', env);
    return {
      name,
      ok: false,
      detail: 'not running (no /var/run/docker.sock)',
      hint: dockerd ? `start it: sudo dockerd & (or systemctl start docker); without it runs use --runtime local` : 'install docker.io (apt-get install -y docker.io) or use --runtime local (the default without Docker)',
      required: false,
    };
  }
  try {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker(env.DOCKER_HOST ? undefined : { socketPath: socket });
    const v = (await Promise.race([docker.version(), new Promise<never>((_, r) => setTimeout(() => r(new Error('no answer in 3 s')), 3000))])) as { Version: string; ApiVersion: string };
    return { name, ok: true, detail: `Docker ${v.Version} (API ${v.ApiVersion})`, required: false };
  } catch (e) {
    return { name, ok: false, detail: `not reachable: ${(e as Error).message}`, hint: 'start Docker or set DOCKER_HOST; without it runs use --runtime local', required: false };
  }
}

/**
 * The k6 the `k6` engine would run (K6_BIN or PATH), its version, and whether the harness
 * supports it: the adapter reads its `k6 version` and `k6 run --help` (harness/engines/k6-cli.ts).
 */
export async function k6Check(env: CheckContext['env']): Promise<CheckResult> {
  const a = await new K6Engine().available(env);
  const optional = 'optional: the built-in engine runs the same scripts (--engine builtin)';
  if (a.ok) return { name: 'k6', ok: true, detail: `${a.version} at ${a.path}: supported (${K6_SUPPORTED})`, required: false };
  if (!a.path) return { name: 'k6', ok: false, detail: 'not found (K6_BIN unset, no k6 on PATH)', hint: `${optional}; install k6 ${K6_SUPPORTED} to compare`, required: false };
  return { name: 'k6', ok: false, detail: `${a.version ?? 'unknown version'} at ${a.path}: not supported: ${a.reason}`, hint: `${optional}; ${a.hint}`, required: false };
}

/** Every check, concurrently. */
export async function runChecks(c: CheckContext): Promise<CheckResult[]> {
  const first = (s: string) => s.split('\n')[0];
  const toxi = async (): Promise<CheckResult> => {
    const found = await detectToxiproxy(c.cwd, c.env);
    if (found.kind === 'binary') return binary('Toxiproxy', found.detail, ['-version'], c.env, first, '');
    if (found.kind === 'builtin') return { name: 'Toxiproxy', ok: true, detail: `${found.detail}; toxiproxy-server not on PATH`, required: false };
    return { name: 'Toxiproxy', ok: false, detail: found.detail, hint: 'runs go without proxies (no faults); install Toxiproxy 2.x', required: false };
  };
  const service = async (name: string, bin: string, args: string[], url: string, hint: string): Promise<CheckResult> => {
    const up = await http(url);
    if (up) return { name, ok: true, detail: `reachable at ${url} (${up})`, required: false };
    const b = await binary(name, bin, args, c.env, first, hint);
    return b.ok ? { ...b, detail: `${b.detail}; not running at ${url}` } : { ...b, detail: `not installed, not reachable at ${url}` };
  };
  const isRoot = process.getuid?.() === 0;
  return Promise.all([
    dockerCheck(c.env),
    k6Check(c.env),
    toxi(),
    binary(
      'redis-server',
      'redis-server',
      ['--version'],
      c.env,
      (s) => /v=([\d.]+)/.exec(s)?.[1] ?? first(s),
      isRoot ? 'will be installed from Debian on the first local run (or run `harness setup`)' : 'sudo apt-get install -y redis-server',
      true,
    ),
    service('InfluxDB', 'influxd', ['version'], `${c.influxUrl}/health`, 'optional (--out influxdb): harness up --observability (or docker compose --profile observability up)'),
    service('Grafana', 'grafana-server', ['-v'], `${c.grafanaUrl}/api/health`, 'optional: harness up --observability (or docker compose --profile observability up)'),
    binary('wrk', 'wrk', ['-v'], c.env, (s) => first(s).replace(/\s+Copyright.*/, ''), 'optional (benchmarks): apt-get install -y wrk'),
    nodeCheck(),
  ]);
}
