import { createToolRedis } from '../../target/shared/redis';
import { redisKeys } from '../../target/shared/keys';
import { waitForDrain, type AccountingReport } from '../../target/shared/accounting';

export interface DataLossResult {
  ok: boolean;
  /** 202s the load saw. */
  clientAccepted: number;
  /** Of those, ids not processed after the drain. */
  clientMissing: number;
  accounting: AccountingReport;
  problems: string[];
}

/**
 * After the queue drains: the target's own accounting (accepted == processed, nothing missing,
 * nothing unexpected) and, independently, every id the load saw answered 202 was processed.
 */
export async function checkDataLoss(redisUrl: string, acceptedIds: string[], opts: { drainTimeoutMs: number; prefix?: string }): Promise<DataLossResult> {
  const accounting = await waitForDrain(redisUrl, { timeoutMs: opts.drainTimeoutMs, prefix: opts.prefix });
  let clientMissing = 0;
  const redis = createToolRedis(redisUrl);
  try {
    const key = redisKeys(opts.prefix).processedIds;
    for (let i = 0; i < acceptedIds.length; i += 500) {
      const batch = acceptedIds.slice(i, i + 500);
      const member = (await redis.smismember(key, ...batch)) as number[];
      clientMissing += member.filter((m) => m === 0).length;
    }
  } finally {
    redis.disconnect();
  }
  const problems: string[] = [];
  if (!accounting.drained) problems.push(`queue not drained within ${opts.drainTimeoutMs} ms (${accounting.pending} pending)`);
  if (accounting.missing) problems.push(`${accounting.missing} accepted ids never processed (e.g. ${accounting.missingSample.join(', ')})`);
  if (accounting.unexpected) problems.push(`${accounting.unexpected} processed ids never accepted`);
  if (accounting.accepted !== accounting.processed) problems.push(`accepted ${accounting.accepted} != processed ${accounting.processed}`);
  if (clientMissing) problems.push(`${clientMissing} of the ${acceptedIds.length} ids answered 202 were not processed`);
  return { ok: problems.length === 0, clientAccepted: acceptedIds.length, clientMissing, accounting, problems };
}
