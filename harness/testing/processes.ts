import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Process and port probes for teardown assertions. Zombies count as gone: in these containers
 * pid 1 does not reap orphans, so an exited (or SIGKILLed) child of a dead parent lingers as a
 * zombie that `kill(pid, 0)` still finds, though it holds no port, memory or file.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

/** Pids of the live (non-zombie) members of process group `pgid`, from /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(Number(name));
    // after "pid (comm) ": state ppid pgrp ...
    if (fields && fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(name));
  }
  return members;
}

export function groupAlive(pgid: number): boolean {
  return groupMembers(pgid).length > 0;
}

/** Waits up to `timeoutMs` for the group to have no live member; returns whether it emptied. */
export async function waitGroupGone(pgid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, host);
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
  });
}

function isZombie(pid: number): boolean {
  const f = statFields(pid);
  return !f || f[0] === 'Z';
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
