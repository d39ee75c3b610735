/**
 * Cluster mode (WORKERS > 1): the primary forks N gateway processes sharing the port, restarts
 * any that die, and is the hub of the control plane: a worker's question ("snapshots",
 * "metrics", a control command) is fanned out to every worker and the combined answer sent back.
 *
 *   worker k ──ask──▶ primary ──snapshot/control/prom-client req──▶ every worker
 *            ◀─answer─        ◀──────────────── replies ───────────
 */
import cluster, { type Worker } from 'node:cluster';
import client from 'prom-client';
import { announce, type Logger } from '../shared/logger';
import type { GatewayConfig } from './config';
import { isIpc, type ControlCommand, type IpcMessage } from './control-plane';
import type { ProcessSnapshot } from './process-state';

export interface RunningPrimary {
  /** Stops every worker gracefully (SIGTERM semantics), resolves when all exited. Idempotent. */
  stop(): Promise<void>;
}

export function runPrimary(config: GatewayConfig, log: Logger): RunningPrimary {
  const aggregator = new client.AggregatorRegistry();
  let stopping = false;
  let nextId = 0;
  /** Desired ingest state, replayed to workers forked later (after a crash). */
  let ingesting = config.startIngesting;
  const waiting = new Map<number, { need: number; got: unknown[]; done: (v: unknown[]) => void }>();
  let listening = 0;

  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());

  const fanOut = (make: (id: number) => IpcMessage, timeoutMs = 2000): Promise<unknown[]> => {
    const workers = live();
    const id = nextId++;
    return new Promise((resolve) => {
      if (!workers.length) return resolve([]);
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(entry.got);
      }, timeoutMs);
      const entry = {
        need: workers.length,
        got: [] as unknown[],
        done: (v: unknown[]) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(v);
        },
      };
      waiting.set(id, entry);
      for (const w of workers) w.send(make(id));
    });
  };

  const collect = (id: number, value: unknown) => {
    const e = waiting.get(id);
    if (!e) return;
    e.got.push(value);
    if (e.got.length >= e.need) e.done(e.got);
  };

  const answer = async (w: Worker, m: Extract<IpcMessage, { th: 'ask' }>) => {
    try {
      let result: unknown;
      if (m.op === 'control') {
        const cmd: ControlCommand = m.cmd;
        if (cmd.op === 'start') ingesting = true;
        if (cmd.op === 'stop') ingesting = false;
        await fanOut((id) => ({ th: 'control', id, cmd }));
      } else if (m.op === 'snapshots') result = (await fanOut((id) => ({ th: 'snapshot', id }))) as ProcessSnapshot[];
      else result = await aggregator.clusterMetrics();
      if (w.isConnected()) w.send({ th: 'answer', id: m.id, result } satisfies IpcMessage);
    } catch (e) {
      if (w.isConnected()) w.send({ th: 'answer', id: m.id, error: (e as Error).message } satisfies IpcMessage);
    }
  };

  cluster.on('message', (w, m) => {
    if (!isIpc(m)) return;
    if (m.th === 'ask') void answer(w, m);
    else if (m.th === 'snapshot-reply') collect(m.id, m.snapshot);
    else if (m.th === 'control-ack') collect(m.id, true);
  });

  const fork = () => {
    const w = cluster.fork({ TH_CLUSTER_WORKER: '1' });
    w.on('listening', (addr) => {
      // Replay the ingest switch for a replacement worker.
      if (ingesting !== config.startIngesting) w.send({ th: 'control', id: -1, cmd: { op: ingesting ? 'start' : 'stop' } } satisfies IpcMessage);
      if (++listening === config.workers) announce('gateway', 'gateway listening', { role: 'primary', url: `http://${config.host}:${addr.port}`, workers: config.workers, port: addr.port });
    });
    return w;
  };
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    log.error({ pid: w.process.pid, code, signal }, 'gateway process died; forking a replacement');
    setTimeout(fork, 200);
  });
  for (let i = 0; i < config.workers; i++) fork();

  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        stopping = true;
        const workers = live();
        log.info({ workers: workers.length }, 'stopping gateway processes');
        if (!workers.length) return resolve();
        let left = workers.length;
        const force = setTimeout(() => {
          for (const w of live()) w.process.kill('SIGKILL');
        }, config.shutdownTimeoutMs + 2000);
        for (const w of workers) {
          w.once('exit', () => {
            if (--left === 0) {
              clearTimeout(force);
              resolve();
            }
          });
          w.send({ th: 'shutdown' } satisfies IpcMessage);
        }
      })),
  };
}
