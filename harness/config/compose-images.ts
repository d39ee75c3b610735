import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Image tags live only in compose.yml; code reads them from there: `services.<name>.image`,
 * keyed by service name (`redis`, `toxiproxy`, `gateway`, `worker`, `influxdb`, `grafana`, `base`).
 */
export function readComposeImages(cwd: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(cwd, 'compose.yml'), 'utf8');
  } catch {
    return {};
  }
  return parseComposeImages(text);
}

export function parseComposeImages(text: string): Record<string, string> {
  const doc = parse(text) as { services?: Record<string, { image?: unknown }> } | null;
  const out: Record<string, string> = {};
  for (const [name, svc] of Object.entries(doc?.services ?? {})) if (typeof svc?.image === 'string') out[name] = svc.image;
  return out;
}
