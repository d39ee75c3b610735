import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config';
import { ExitCode, InfraError, InvalidConfigError } from '../../errors';
import { describeSettings, influxSettings, InfluxSink, Spool } from '../../outputs/influxdb';
import type { CommandContext } from '../context';

export interface PushOptions {
  /** A run directory (`reports/runs/<id>`) whose `influxdb-spool/` holds unsent points. */
  runDir: string;
  /** InfluxDB URL (as `--out influxdb=URL`); default: the configuration (INFLUX_URL, ...). */
  url?: string;
  config?: string;
}

/**
 * `harness push <run-dir>`: writes the points a run spooled while InfluxDB was unreachable.
 * Idempotent: a segment is removed once written, and a point sent again lands on the same
 * series and timestamp. Exit 0 when the spool is empty afterwards, 110 when the server refused.
 */
export async function push(opts: PushOptions, ctx: CommandContext): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configFile: opts.config });
  const { settings, problems } = influxSettings(config.influxdb, opts.url);
  if (problems.length) throw new InvalidConfigError('invalid InfluxDB settings', problems, { hint: 'see docs/influxdb.md' });
  const runDir = resolve(ctx.cwd, opts.runDir);
  const shown = relative(ctx.cwd, runDir) || '.';
  if (!existsSync(join(runDir, 'run.json'))) throw new InvalidConfigError(`${shown} is not a run directory (no run.json)`, [], { hint: 'pass reports/runs/<run-id>' });
  const spool = new Spool(runDir);
  const waiting = spool.pendingLines();
  if (!waiting) {
    ctx.stdout.write(`nothing to push: ${shown} has no spooled points\n`);
    return ExitCode.Ok;
  }
  const sink = new InfluxSink(settings);
  try {
    const r = await spool.replay((lines) => sink.write(lines), 5000);
    recordPush(join(runDir, 'run.json'), r.replayed, waiting - r.replayed);
    if (r.failed !== undefined) {
      throw new InfraError(`pushed ${r.replayed} of ${waiting} points to ${describeSettings(settings)}, then: ${(r.failed as Error).message}`, {
        hint: 'is the server up and the bucket/token right? the rest stays spooled: run harness push again',
      });
    }
    ctx.stdout.write(`pushed ${r.replayed} points from ${shown} to ${describeSettings(settings)}\n`);
    return ExitCode.Ok;
  } finally {
    sink.close();
  }
}

/** run.json's `influxdb` record: the pushed points count as replayed. */
function recordPush(file: string, pushed: number, pending: number): void {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as { influxdb?: { replayed?: number; pending?: number } };
    if (!info.influxdb) return;
    info.influxdb.replayed = (info.influxdb.replayed ?? 0) + pushed;
    info.influxdb.pending = pending;
    writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
  } catch {
    // the record is informative; the points were written either way
  }
}
