import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { toxiproxyClient } from '../../chaos/toxiproxy-client';
import { PidFile, isSameProcessAlive, isZombie, type PidFileContent } from '../run-record';
import { listRunIds } from './run-directory';

export interface ReapOptions {
  /** `reports/runs`. */
  root: string;
  /** Only this run (also reaps it when its harness still runs, or when it is held by `harness up`). */
  runId?: string;
  /** Runs to leave alone (held by `harness up`). */
  keep?: string[];
  /** Shared Toxiproxy servers to sweep for `<run-id>-*` proxies of dead runs. */
  toxiproxyUrls?: string[];
  /** Sent with every Toxiproxy call (config `toxiproxy.token`, HARNESS_TOXIPROXY_TOKEN). */
  toxiproxyToken?: string;
  /** Also remove Docker containers and networks labelled `harness.run-id` (default true). */
  docker?: boolean;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** SIGTERM grace before SIGKILL. */
  graceMs?: number;
}

export interface ReapReport {
  runs: string[];
  processes: number;
  proxies: number;
  containers: number;
  networks: number;
  skipped: Array<{ runId: string; reason: string }>;
}

const PROXY_OF_RUN = /^(\d{8}T\d{6}-[a-z0-9-]+-[0-9a-f]{4})-(gateway|redis)$/;

/**
 * Removes what crashed runs left behind: recorded processes (by process group, start time
 * checked), their Toxiproxy proxies, and Docker objects labelled with their run id. A run whose
 * harness is still alive is left alone unless named with `runId`.
 */
export async function reap(o: ReapOptions): Promise<ReapReport> {
  const report: ReapReport = { runs: [], processes: 0, proxies: 0, containers: 0, networks: 0, skipped: [] };
  const ids = o.runId ? [o.runId] : await listRunIds(o.root);
  const dead = new Set<string>();
  for (const id of ids) {
    const file = join(o.root, id, 'pids.json');
    const content = existsSync(file) ? await PidFile.read(file) : undefined;
    if (!content) {
      if (o.runId) report.skipped.push({ runId: id, reason: 'no pids.json in its run directory' });
      continue;
    }
    if (!o.runId) {
      if (o.keep?.includes(id)) {
        report.skipped.push({ runId: id, reason: 'held by `harness up` (use `harness down`)' });
        continue;
      }
      if (content.harnessPid !== process.pid && isSameProcessAlive(content.harnessPid, content.harnessStartTicks)) {
        report.skipped.push({ runId: id, reason: `its harness (pid ${content.harnessPid}) is still running` });
        continue;
      }
    }
    dead.add(id);
    const n = await reapRun(content, file, o);
    if (n.processes + n.proxies) report.runs.push(id);
    report.processes += n.processes;
    report.proxies += n.proxies;
  }
  for (const url of o.toxiproxyUrls ?? []) report.proxies += await sweepProxies(url, o.toxiproxyToken, (runId) => (o.runId ? runId === o.runId : dead.has(runId) || !ids.includes(runId)), o.log);
  if (o.docker !== false) {
    const d = await reapDocker(o.runId, o.keep ?? [], o.env, o.log);
    report.containers += d.containers;
    report.networks += d.networks;
  }
  return report;
}

async function reapRun(c: PidFileContent, file: string, o: ReapOptions): Promise<{ processes: number; proxies: number }> {
  const alive = c.processes.filter((p) => isSameProcessAlive(p.pid, p.startTicks) && !isZombie(p.pid));
  for (const p of alive) {
    o.log(`${c.runId}: stopping ${p.component} (pid ${p.pid})`);
    signal(p.pid, p.group, 'SIGTERM');
  }
  const deadline = Date.now() + (o.graceMs ?? 3000);
  while (alive.some((p) => isSameProcessAlive(p.pid, p.startTicks) && !isZombie(p.pid)) && Date.now() < deadline) await sleep(50);
  for (const p of alive) signal(p.pid, p.group, 'SIGKILL');
  let proxies = 0;
  for (const t of c.toxiproxy) {
    try {
      proxies += await deleteNamed(t.apiUrl, o.toxiproxyToken, t.proxies);
    } catch {
      /* the server went down with the run */
    }
  }
  const next: PidFileContent = { ...c, processes: [], toxiproxy: [] };
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
  return { processes: alive.length, proxies };
}

function signal(pid: number, group: boolean, sig: NodeJS.Signals): void {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    /* gone */
  }
}

async function deleteNamed(apiUrl: string, token: string | undefined, names: string[]): Promise<number> {
  const all = await timed(toxiproxyClient(apiUrl, { token }).getAll(), 3000);
  let n = 0;
  for (const name of names) {
    if (!all[name]) continue;
    await timed(all[name].remove(), 3000);
    n += 1;
  }
  return n;
}

async function sweepProxies(apiUrl: string, token: string | undefined, isDead: (runId: string) => boolean, log: (l: string) => void): Promise<number> {
  let all: Awaited<ReturnType<Toxiproxy['getAll']>>;
  try {
    all = await timed(toxiproxyClient(apiUrl, { token }).getAll(), 3000);
  } catch {
    return 0;
  }
  let n = 0;
  for (const [name, proxy] of Object.entries(all)) {
    const m = PROXY_OF_RUN.exec(name);
    if (!m || !isDead(m[1])) continue;
    await timed(proxy.remove(), 3000).catch(() => {});
    log(`removed proxy ${name} from ${apiUrl}`);
    n += 1;
  }
  return n;
}

/** Containers and networks labelled `harness.run-id` (one run or all but `keep`). */
async function reapDocker(runId: string | undefined, keep: string[], env: Record<string, string | undefined>, log: (l: string) => void) {
  const out = { containers: 0, networks: 0 };
  const socket = env.DOCKER_HOST ? undefined : '/var/run/docker.sock';
  if (socket && !existsSync(socket)) return out;
  try {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker(socket ? { socketPath: socket } : undefined);
    const label = runId ? `harness.run-id=${runId}` : 'harness.run-id';
    const containers = await timed(docker.listContainers({ all: true, filters: { label: [label] } }), 5000);
    // Without --run-id, a run whose harness still runs is not a leftover (shared daemon: another checkout's run).
    const ownerAlive = (labels: Record<string, string> | undefined) =>
      !runId && labels?.['harness.owner-pid'] !== undefined && isSameProcessAlive(Number(labels['harness.owner-pid']), labels['harness.owner-start']);
    for (const c of containers) {
      if (keep.includes(c.Labels['harness.run-id']) || ownerAlive(c.Labels)) continue;
      await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {});
      log(`removed container ${c.Names[0] ?? c.Id.slice(0, 12)}`);
      out.containers += 1;
    }
    const networks = await timed(docker.listNetworks({ filters: { label: [label] } }), 5000);
    for (const n of networks) {
      if (keep.includes(n.Labels?.['harness.run-id'] ?? '') || ownerAlive(n.Labels)) continue;
      await docker.getNetwork(n.Id).remove().catch(() => {});
      log(`removed network ${n.Name}`);
      out.networks += 1;
    }
  } catch {
    /* Docker not reachable: nothing of ours can be running there */
  }
  return out;
}

function timed<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
