import type { HarnessConfig } from '../../config';

export type InfluxSettings = HarnessConfig['influxdb'];

/**
 * The settings of one `--out influxdb[=URL]`: the resolved config (`harness.config.ts`
 * `influxdb`, env `INFLUX_URL|ORG|BUCKET|TOKEN`) with the URL from the argument. As k6's
 * `--out influxdb=http://host:8086/db`, a path names the bucket (database on 1.x).
 * Returns the problems instead of throwing (all reported at once by `checkOutputs`).
 */
export function influxSettings(base: InfluxSettings, arg: string | undefined): { settings: InfluxSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: InfluxSettings = { ...base, dropTags: [...base.dropTags] };
  if (arg !== undefined) {
    try {
      const u = new URL(arg);
      const path = u.pathname.replace(/^\/+|\/+$/g, '');
      if (path && !path.includes('/')) settings.bucket = decodeURIComponent(path);
      else if (path) problems.push(`"${arg}": the path may only name a bucket (http://host:8086/<bucket>)`);
      settings.url = u.origin;
    } catch {
      problems.push(`"${arg}" is not a URL (e.g. influxdb=http://127.0.0.1:8086/k6)`);
    }
  }
  if (!/^https?:$/.test(safeProtocol(settings.url))) problems.push(`url "${settings.url}" must be http(s)`);
  if (!settings.bucket) problems.push('bucket is empty (INFLUX_BUCKET or influxdb.bucket)');
  if (!settings.org) problems.push('org is empty (INFLUX_ORG or influxdb.org)');
  if (settings.shape !== 'rollup' && settings.shape !== 'raw') problems.push(`shape "${settings.shape}" is not valid; valid: rollup, raw`);
  return { settings, problems };
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

/** What may be printed or recorded: never the token. */
export function describeSettings(s: InfluxSettings): string {
  return `${publicUrl(s.url)} org=${s.org} bucket=${s.bucket} shape=${s.shape}${s.token ? ' (token set)' : ''}`;
}

/** The URL without credentials someone may have put in it. */
export function publicUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '<invalid url>';
  }
}
