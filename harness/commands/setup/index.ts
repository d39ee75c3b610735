import type { CommandContext } from '../context';
import { ensureDebianPackage } from '../../setup';
import { ExitCode } from '../../errors';

export interface SetupOptions {
  for: 'run' | 'test';
}

/** Installs what a run (or the test suite) needs from Debian; each step is skipped when present. */
export async function setup(opts: SetupOptions, ctx: CommandContext): Promise<number> {
  const log = (line: string) => ctx.stderr.write(`setup: ${line}\n`);
  await ensureDebianPackage({ bin: 'redis-server', pkg: 'redis-server', log, env: ctx.env });
  if (opts.for === 'test') {
    // wrk is the near-physical-limit load generator the benchmarks compare against.
    await ensureDebianPackage({ bin: 'wrk', pkg: 'wrk', log, env: ctx.env });
    // a real server speaking InfluxDB's /api/v2/write for the --out influxdb tests
    await ensureDebianPackage({ bin: 'victoria-metrics', pkg: 'victoria-metrics', log, env: ctx.env });
    // InfluxDB 1.x runs every Grafana panel's InfluxQL in the dashboards' test
    await ensureDebianPackage({ bin: 'influxd', pkg: 'influxdb', log, env: ctx.env });
  }
  return ExitCode.Ok;
}
