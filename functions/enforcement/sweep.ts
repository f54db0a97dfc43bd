/**
 * The sweep: find due accounts through the sparse, sharded `due` index (never
 * a Scan), claim each with a conditional write, enqueue the claimed ones.
 * It stops when its time budget runs low and leaves the rest to the next run.
 */

import { DUE_SHARDS } from '../core/lifecycle.ts';
import { type Metrics, noMetrics } from '../core/metrics.ts';
import { type DeletionSla, overdueBefore, startPurge } from '../core/purge.ts';
import type { ConfirmationIndex, DueIndex, PurgeClaims, PurgeQueue } from './ports.ts';

export interface SweepDeps {
  readonly due: DueIndex;
  readonly claims: PurgeClaims;
  readonly queue: PurgeQueue;
  readonly now: () => Date;
  /** Milliseconds left in this invocation. */
  readonly remainingMs: () => number;
  readonly metrics?: Metrics;
  /** Pending processor confirmations, counted past their deadline for the alarm (P5). */
  readonly confirmations?: ConfirmationIndex;
}

export interface SweepOptions {
  /** Stop starting new pages when less than this is left. */
  readonly reserveMs: number;
  /** How long a claim stays the worker's before another sweep may reclaim it. */
  readonly leaseMs: number;
  readonly pageSize: number;
  readonly shards?: number;
  /** Accounts past purgeAfter + this are counted as overdue (the OverdueAccounts gauge). */
  readonly sla?: DeletionSla;
}

export interface SweepResult {
  /** Index entries read: the sweep's cost, which grows with due accounts, not all accounts. */
  readonly read: number;
  readonly claimed: number;
  /** False when the budget ran out with candidates left. */
  readonly complete: boolean;
  /** Accounts past purgeAfter + the SLA and not purged, when an SLA is given. */
  readonly overdue?: number;
  /** Processor deletions past their deadline and not confirmed, when confirmations are given. */
  readonly overdueConfirmations?: number;
}

export const sweep = async (deps: SweepDeps, options: SweepOptions): Promise<SweepResult> => {
  const metrics = deps.metrics ?? noMetrics;
  // The gauges the promise alarms read, as things stand when the sweep begins.
  const shards = options.shards ?? DUE_SHARDS;
  const now = deps.now();
  let overdue: number | undefined;
  if (options.sla) {
    overdue = 0;
    const before = overdueBefore(now, options.sla);
    for (let shard = 0; shard < shards; shard += 1) overdue += await deps.due.countDue(`S${shard}`, before);
    metrics.record('overdueAccounts', overdue);
  }
  const overdueConfirmations = deps.confirmations
    ? await deps.confirmations.countOverdue(now.toISOString())
    : undefined;
  if (overdueConfirmations !== undefined) metrics.record('overdueConfirmations', overdueConfirmations);
  const result = await claimDue(deps, options);
  // Then what it found and claimed, and the heartbeat: a run that got this far counts.
  metrics.record('dueAccountsFound', result.read);
  metrics.record('purgesClaimed', result.claimed);
  metrics.record('sweepRuns');
  return {
    ...result,
    ...(overdue !== undefined && { overdue }),
    ...(overdueConfirmations !== undefined && { overdueConfirmations }),
  };
};

const claimDue = async (deps: SweepDeps, options: SweepOptions): Promise<SweepResult> => {
  const now = deps.now().toISOString();
  const leaseUntil = new Date(Date.parse(now) + options.leaseMs).toISOString();
  let read = 0;
  let claimed = 0;
  for (let shard = 0; shard < (options.shards ?? DUE_SHARDS); shard += 1) {
    let cursor: string | undefined;
    do {
      if (deps.remainingMs() < options.reserveMs) return { read, claimed, complete: false };
      // 1. One page of candidates whose purgeAfter has passed.
      const page = await deps.due.page(`S${shard}`, now, cursor, options.pageSize);
      read += page.items.length;
      // 2. Claim each: the conditional write re-checks state, due date and hold (I1, I2).
      const won = await Promise.all(
        page.items.map(async (item) =>
          (await deps.claims.claim(item.accountId, now, leaseUntil, startPurge(now, item.purgeAfter)))
            ? item.accountId
            : undefined,
        ),
      );
      const jobs = won.filter((id): id is string => id !== undefined).map((accountId) => ({ accountId }));
      // 3. Enqueue. If this fails the claims stand, their lease lapses, and the next sweep retries them.
      if (jobs.length > 0) await deps.queue.send(jobs);
      claimed += jobs.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return { read, claimed, complete: true };
};
