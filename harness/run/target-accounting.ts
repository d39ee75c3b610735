import { pendingCount, waitForDrain, type AccountingReport } from '../../target/shared/accounting';
import { redisKeys } from '../../target/shared/keys';
import { createToolRedis } from '../../target/shared/redis';

/**
 * The target's accounting read from its Redis: what chaos declares as `TargetAccounting`
 * (chaos/experiment/types.ts) and the chaos command wires into each experiment. Each call opens
 * its own fail-fast connection and closes it.
 */
export interface RedisAccounting {
  pendingCount(): Promise<number>;
  waitForDrain(opts: { timeoutMs: number }): Promise<AccountingReport>;
  countUnprocessed(ids: readonly string[]): Promise<number>;
}

export function redisAccounting(redisUrl: string, prefix?: string): RedisAccounting {
  const withRedis = async <T>(fn: (redis: ReturnType<typeof createToolRedis>) => Promise<T>): Promise<T> => {
    const redis = createToolRedis(redisUrl);
    try {
      return await fn(redis);
    } finally {
      redis.disconnect();
    }
  };
  return {
    pendingCount: () => withRedis((r) => pendingCount(r, prefix)),
    waitForDrain: (o) => waitForDrain(redisUrl, { timeoutMs: o.timeoutMs, prefix }),
    countUnprocessed: (ids) =>
      withRedis(async (r) => {
        const key = redisKeys(prefix).processedIds;
        let missing = 0;
        for (let i = 0; i < ids.length; i += 500) {
          const member = (await r.smismember(key, ...ids.slice(i, i + 500))) as number[];
          missing += member.filter((m) => m === 0).length;
        }
        return missing;
      }),
  };
}
