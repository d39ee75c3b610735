import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A tiny detached process (like testcontainers' Ryuk) holding a pipe to the harness. If the
 * harness dies without saying goodbye (SIGKILL, OOM), the pipe closes and the watchdog kills
 * every process group recorded in the run's pids.json (checking start times, so a reused pid is
 * never hit), force-removes the run's containers and networks through the Docker socket, and
 * deletes the run's Toxiproxy proxies (which drops their toxics). On a clean teardown the harness
 * writes `done` first and the watchdog just exits. Everything is loopback or a unix socket.
 */
const WATCHDOG_SOURCE = String.raw`
const fs = require('node:fs');
const file = process.argv[1];
let done = false;
process.stdin.on('data', (d) => { if (String(d).includes('done')) done = true; });
process.stdin.on('end', reap);
process.stdin.on('error', reap);
process.stdin.resume();
function ticks(pid) {
  try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]; } catch { return undefined; }
}
function alive(p) { try { process.kill(p.pid, 0); } catch { return false; } return !p.startTicks || ticks(p.pid) === p.startTicks; }
function sig(p, s) { try { process.kill(p.group ? -p.pid : p.pid, s); } catch {} }
function call(opts, body) {
  return new Promise((resolve) => {
    const req = require('node:http').request({ ...opts, timeout: 5000 }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', resolve); req.on('timeout', () => req.destroy());
    req.end(body);
  });
}
function dockerSocket() {
  const h = process.env.DOCKER_HOST || '';
  return h.startsWith('unix://') ? h.slice(7) : h ? undefined : '/var/run/docker.sock';
}
async function sweep(c) {
  const sock = dockerSocket();
  if (sock) {
    for (const id of c.containers || []) await call({ socketPath: sock, method: 'DELETE', path: '/containers/' + id + '?force=true&v=true' });
    for (const id of c.networks || []) await call({ socketPath: sock, method: 'DELETE', path: '/networks/' + id });
  }
  for (const t of c.toxiproxy || []) {
    let u; try { u = new URL(t.apiUrl); } catch { continue; }
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) continue;
    // The built-in server's API token, inherited from the harness's environment like the rest.
    const headers = process.env.HARNESS_TOXIPROXY_TOKEN ? { authorization: 'Bearer ' + process.env.HARNESS_TOXIPROXY_TOKEN } : {};
    for (const name of t.proxies || []) await call({ host: u.hostname, port: u.port, method: 'DELETE', path: '/proxies/' + encodeURIComponent(name), headers });
  }
}
function reap() {
  if (done) process.exit(0);
  let c; try { c = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { process.exit(0); }
  const procs = (c.processes || []).filter(alive);
  // Proxies first, while a (recorded) Toxiproxy process may still be there to answer.
  sweep(c).catch(() => {}).finally(() => {
    for (const p of procs) sig(p, 'SIGTERM');
    setTimeout(() => { for (const p of procs) sig(p, 'SIGKILL'); process.exit(0); }, 3000);
  });
}
`;

export interface Watchdog {
  readonly pid: number;
  /** Tells the watchdog the run tore down cleanly; it exits without touching anything. */
  release(): void;
}

export function startWatchdog(pidsFile: string): Watchdog {
  const child: ChildProcess = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, pidsFile], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  // The pipe must not keep the harness alive either.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  child.stdin!.on('error', () => {});
  let released = false;
  return {
    pid: child.pid!,
    release() {
      if (released) return;
      released = true;
      child.stdin!.end('done\n');
    },
  };
}
