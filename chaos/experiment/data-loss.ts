import type { AccountingReport, TargetAccounting } from './types';

export interface DataLossResult {
  ok: boolean;
  /** 202s the load saw. */
  clientAccepted: number;
  /** Of those, how many carried an id the client could check (the k6 stream carries none). */
  clientIds: number;
  /** Of those, ids not processed after the drain. */
  clientMissing: number;
  accounting: AccountingReport;
  problems: string[];
}

/**
 * After the queue drains: the target's own accounting (accepted == processed, nothing missing,
 * nothing unexpected) and, independently, the client's side: every id the load saw answered 202
 * was processed, and the load never saw more 202s than the target counted as accepted.
 */
export async function checkDataLoss(
  target: TargetAccounting,
  acceptedIds: string[],
  opts: { drainTimeoutMs: number; /** 202s the client saw (default acceptedIds.length). */ clientAccepted?: number },
): Promise<DataLossResult> {
  const clientAccepted = opts.clientAccepted ?? acceptedIds.length;
  const accounting = await target.waitForDrain({ timeoutMs: opts.drainTimeoutMs });
  const clientMissing = await target.countUnprocessed(acceptedIds);
  const problems: string[] = [];
  if (!accounting.drained) problems.push(`queue not drained within ${opts.drainTimeoutMs} ms (${accounting.pending} pending)`);
  if (accounting.missing) problems.push(`${accounting.missing} accepted ids never processed (e.g. ${accounting.missingSample.join(', ')})`);
  if (accounting.unexpected) problems.push(`${accounting.unexpected} processed ids never accepted`);
  if (accounting.accepted !== accounting.processed) problems.push(`accepted ${accounting.accepted} != processed ${accounting.processed}`);
  if (clientMissing) problems.push(`${clientMissing} of the ${acceptedIds.length} ids answered 202 were not processed`);
  if (clientAccepted > accounting.accepted) problems.push(`the load saw ${clientAccepted} 202s but the target accounted only ${accounting.accepted} accepted`);
  return { ok: problems.length === 0, clientAccepted, clientIds: acceptedIds.length, clientMissing, accounting, problems };
}
