/**
 * The processing worker: a reliable queue consumer.
 *
 *   queue ──BLMOVE──▶ processing:<id> ──(work, then Lua: SADD processed-ids, INCR, LREM)──▶ done
 *     ▲                    │
 *     └──── recover ───────┘  own list at start; other workers' lists once their heartbeat expired
 *
 * A crash between BLMOVE and the completion script leaves the record in the processing list,
 * from where it is moved back to the queue; the completion script is idempotent by id, so a
 * redelivered record is counted once (and reported as a duplicate).
 */
import type { Redis } from 'ioredis';
import { InfraError } from '../shared/errors';
import { announce, createLogger, type Logger } from '../shared/logger';
import { bucketLabel, redisKeys } from '../shared/keys';
import { createFailFastRedis } from '../shared/redis';
import { defineScripts } from '../shared/scripts';
import type { WorkerConfig } from './config';

export interface StartedWorker extends AsyncDisposable {
  readonly id: string;
  /** Records completed by this worker since start. */
  readonly completed: number;
  /** Graceful: finish the batch in hand, release the heartbeat, disconnect. Idempotent. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ID_PREFIX = '{"id":"';
/**
 * The id of a record as the gateway writes it (`{"id":"<uuid>",...`, id first, a UUID needs no
 * escaping) without parsing the whole record; undefined for any other shape (then JSON.parse).
 */
export function idOf(raw: string): string | undefined {
  if (!raw.startsWith(ID_PREFIX)) return undefined;
  const end = raw.indexOf('"', ID_PREFIX.length);
  if (end < 0 || raw.charCodeAt(end + 1) !== 44 /* , */) return undefined;
  const id = raw.slice(ID_PREFIX.length, end);
  return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}

export async function startWorker(config: WorkerConfig, deps: { logger?: Logger } = {}): Promise<StartedWorker> {
  const log = deps.logger ?? createLogger('worker', config.logLevel, { worker_id: config.workerId });
  const keys = redisKeys(config.keyPrefix);
  const id = config.workerId;
  const processing = keys.processing(id);
  const redis = createFailFastRedis(config.redisUrl, { commandTimeoutMs: 2000, name: `worker-${id}` });
  const blocking = createFailFastRedis(config.redisUrl, { commandTimeoutMs: config.blockTimeoutMs + 2000, name: `worker-${id}-blocking` });
  const scripts = defineScripts(redis);
  let running = true;
  let completed = 0;

  await Promise.all(
    [redis, blocking].map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new InfraError(`redis not reachable at ${config.redisUrl} within ${config.startTimeoutMs} ms`, { hint: 'start redis-server or set REDIS_URL' })), config.startTimeoutMs);
          c.once('ready', () => (clearTimeout(t), resolve()));
        }),
    ),
  ).catch((e) => {
    redis.disconnect();
    blocking.disconnect();
    throw e;
  });

  const heartbeat = async () => {
    await redis.set(keys.alive(id), String(process.pid), 'PX', config.heartbeatTtlMs);
  };
  /** Moves records of dead workers (and our own from a previous life) back to the queue. */
  const recoverDead = async (includeSelf: boolean) => {
    const ids = await redis.smembers(keys.workers);
    for (const w of ids) {
      if (w === id && !includeSelf) continue;
      if (w !== id && (await redis.exists(keys.alive(w)))) continue;
      const n = await scripts.recover([keys.processing(w), keys.queue]);
      if (n > 0) log.warn({ from: w, records: n }, 'recovered records of a dead worker');
      if (w !== id) await redis.srem(keys.workers, w);
    }
  };

  await redis.sadd(keys.workers, id);
  await heartbeat();
  await recoverDead(true);
  const timers = [
    setInterval(() => heartbeat().catch((e) => log.warn({ err: e.message }, 'heartbeat failed')), Math.max(50, Math.floor(config.heartbeatTtlMs / 3))),
    setInterval(() => recoverDead(false).catch((e) => log.warn({ err: e.message }, 'recovery failed')), config.recoverIntervalMs),
  ];

  const complete = async (batch: string[], durations: number[]) => {
    const args: (string | number)[] = [batch.length];
    const hist = new Map<string, number>();
    let sum = 0;
    for (let i = 0; i < batch.length; i++) {
      const raw = batch[i];
      let rid = idOf(raw);
      if (rid === undefined) {
        rid = '';
        try {
          const v = JSON.parse(raw) as { id?: unknown };
          if (typeof v.id === 'string') rid = v.id;
        } catch {
          log.warn({ raw: raw.slice(0, 200) }, 'unreadable record');
        }
      }
      args.push(raw, rid);
      const le = bucketLabel(durations[i]);
      hist.set(le, (hist.get(le) ?? 0) + 1);
      sum += durations[i];
    }
    args.push(hist.size);
    for (const [le, c] of hist) args.push(le, c);
    args.push(sum);
    // Retried until it lands: the records are safe in our processing list meanwhile.
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 2000)) {
      try {
        await scripts.complete([processing, keys.processedIds, keys.counters, keys.processingHist], args);
        return;
      } catch (e) {
        if (!running && backoff >= 2000) throw e;
        log.warn({ err: (e as Error).message }, 'completion failed; retrying');
        await sleep(backoff);
      }
    }
  };

  const loop = async () => {
    while (running) {
      let first: string | null;
      try {
        first = await blocking.blmove(keys.queue, processing, 'RIGHT', 'LEFT', config.blockTimeoutMs / 1000);
      } catch (e) {
        if (!running) break;
        log.warn({ err: (e as Error).message }, 'dequeue failed; retrying');
        await sleep(250);
        continue;
      }
      if (first === null) continue;
      const batch = [first];
      if (config.batchSize > 1) {
        // One script moves the rest of the batch (a pipeline of LMOVEs cost a command object each).
        const more = await scripts.take([keys.queue, processing], config.batchSize - 1).catch(() => [] as string[]);
        for (const v of more) batch.push(v);
      }
      const durations: number[] = [];
      for (let i = 0; i < batch.length; i++) {
        const t0 = performance.now();
        if (config.processingDelayMs > 0) await sleep(config.processingDelayMs);
        durations.push((performance.now() - t0) / 1000);
      }
      try {
        await complete(batch, durations);
        completed += batch.length;
      } catch (e) {
        log.error({ err: (e as Error).message, records: batch.length }, 'could not complete batch; it stays in the processing list for recovery');
      }
    }
  };
  const loopDone = loop().catch((e) => log.error({ err: (e as Error).message }, 'worker loop failed'));
  announce('worker', 'worker ready', { worker_id: id, queue: keys.queue, processing });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      running = false;
      log.info('worker stopping');
      timers.forEach(clearInterval);
      const force = sleep(config.shutdownTimeoutMs).then(() => 'timeout' as const);
      if ((await Promise.race([loopDone.then(() => 'done' as const), force])) === 'timeout') log.warn('batch did not finish within SHUTDOWN_TIMEOUT_MS; it will be recovered');
      else await redis.del(keys.alive(id)).catch(() => {});
      blocking.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      log.info({ completed }, 'worker stopped');
    })());
  return {
    id,
    get completed() {
      return completed;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

export type { Redis };
