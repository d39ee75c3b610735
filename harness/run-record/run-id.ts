import { randomBytes } from 'node:crypto';

/**
 * Run ids look like `20250102T030405-smoke-a1b2`: sortable by start time, readable, and safe as
 * a container label value, a directory name and a Toxiproxy proxy-name prefix.
 */
export const RUN_ID_PATTERN = /^\d{8}T\d{6}-[a-z0-9-]+-[0-9a-f]{4}$/;

export function newRunId(label: string, now = new Date(), suffix = randomBytes(2).toString('hex')): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const ts = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}T${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const slug = label.toLowerCase().replace(/\.[jt]s$/, '').replace(/.*\//, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'run';
  return `${ts}-${slug}-${suffix}`;
}

export function isRunId(s: string): boolean {
  return RUN_ID_PATTERN.test(s);
}

/** Toxiproxy proxy name for a link of a run: `<run-id>-gateway`, `<run-id>-redis`. */
export function proxyName(runId: string, link: 'gateway' | 'redis'): string {
  return `${runId}-${link}`;
}
