import { composeImages, parseComposeFile, readComposeFile } from './compose-file';

/**
 * Image tags live only in compose.yml; code reads them from there: `services.<name>.image`,
 * keyed by service name (`redis`, `toxiproxy`, `gateway`, `worker`, `influxdb`, `grafana`, `base`).
 * Without a compose.yml: none (the config falls back to FALLBACK_IMAGES).
 */
export function readComposeImages(cwd: string): Record<string, string> {
  return composeImages(readComposeFile(cwd, {}, { problems: 'ignore' }));
}

export function parseComposeImages(text: string): Record<string, string> {
  return composeImages(parseComposeFile(text, {}, { problems: 'ignore' }));
}
