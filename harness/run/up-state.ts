import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readJsonFile } from './run-directory';

/** `reports/.harness-up.json`: the stack `harness up` (or `run --keep-up`) left running. */
export interface UpState {
  runId: string;
  runDir: string;
  runtime: string;
  targetUrl: string;
  gatewayUrl: string;
  redisUrl?: string;
  toxiproxy?: { apiUrl: string; proxies: { gateway: string; redis: string } };
  startedAt: string;
  /** `harness up --observability`: InfluxDB and Grafana (their containers carry the run id too). */
  observability?: { influxUrl: string; grafanaUrl: string; org: string; bucket: string; localToken: boolean };
}

export function upStateFile(cwd: string, reportsDir = 'reports'): string {
  // resolve, not join: an absolute HARNESS_REPORTS_DIR is used as is (as runsRoot does).
  return resolve(cwd, reportsDir, '.harness-up.json');
}

export async function readUpStates(file: string): Promise<UpState[]> {
  const v = await readJsonFile<UpState[] | UpState>(file);
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export async function writeUpStates(file: string, states: UpState[]): Promise<void> {
  if (!states.length) return void (await rm(file, { force: true }));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, `${JSON.stringify(states, null, 2)}\n`);
}
