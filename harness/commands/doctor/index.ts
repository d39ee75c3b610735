import { loadConfig } from '../../config';
import { ExitCode } from '../../errors';
import type { CommandContext } from '../context';
import { runChecks } from './checks';

export interface DoctorOptions {
  json?: boolean;
}

/** `harness doctor`: what is available, with versions, and what to do about what is missing. */
export async function doctor(opts: DoctorOptions, ctx: CommandContext): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  const results = await runChecks({ cwd: ctx.cwd, env: ctx.env, influxUrl: config.influxdb.url, grafanaUrl: `http://127.0.0.1:${config.ports.grafana}` });
  const redisMissingButInstallable = (r: (typeof results)[number]) => r.name === 'redis-server' && !r.ok && process.getuid?.() === 0;
  const blocking = results.filter((r) => r.required && !r.ok && !redisMissingButInstallable(r));
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const w = Math.max(...results.map((r) => r.name.length)) + 2;
    for (const r of results) {
      ctx.stdout.write(`${r.ok ? 'ok  ' : r.required ? 'FAIL' : '--  '} ${r.name.padEnd(w)}${r.detail}\n`);
      if (!r.ok && r.hint) ctx.stdout.write(`     ${''.padEnd(w)}-> ${r.hint}\n`);
    }
    const docker = results.find((r) => r.name === 'Docker daemon');
    ctx.stdout.write(`\nruntime auto will use: ${docker?.ok ? 'docker (the daemon answers)' : 'local (no Docker daemon)'}\n`);
    ctx.stdout.write(blocking.length ? `cannot run yet: fix ${blocking.map((b) => b.name).join(', ')}\n` : 'ready: `harness run smoke` can run here\n');
  }
  return blocking.length ? ExitCode.InfraFailure : ExitCode.Ok;
}
