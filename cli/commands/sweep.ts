/**
 * `sweep --dry-run`: what the next sweep would claim, read the way the
 * sweeper reads it (the sharded `due` index, never a Scan), with each
 * account's items counted in every store. `sweep --yes`: the sweep itself.
 */

import { DynamoNotices } from '../../functions/adapters/dynamo-notices.ts';
import { SqsJobQueue } from '../../functions/adapters/sqs-job-queue.ts';
import type { Store } from '../../functions/core/data-map.ts';
import { parseDuration } from '../../functions/core/duration.ts';
import { DUE_SHARDS } from '../../functions/core/lifecycle.ts';
import { purgeOrder } from '../../functions/core/purge.ts';
import type { DueAccount, PurgeJob } from '../../functions/enforcement/ports.ts';
import type { NoticeJob } from '../../functions/notices/ports.ts';
import { sweepWithNotices } from '../../functions/workers/sweep-with-notices.ts';
import { createProgress, type ErrorStream } from '../progress.ts';
import type { Services } from '../services.ts';
import {
  type Candidate,
  candidate,
  classify,
  type DryRunReport,
  type SweepReport,
  totalsOf,
} from '../views.ts';
import { queueMustExist } from './dlq.ts';

/** The sweeper's page size (functions/workers/enforcement-deps.ts, LETHE_SWEEP_PAGE_SIZE). */
const PAGE_SIZE = 500;
/** Accounts counted at once: enough to overlap round trips, few enough not to throttle a table. */
const PARALLEL = 4;

/** Every entry of the due index whose `purgeAfter` has passed, shard by shard, as `sweep` pages it. */
export const dueEntries = async (services: Services, now: string): Promise<DueAccount[]> => {
  const index = await services.purgeState();
  const entries: DueAccount[] = [];
  for (let shard = 0; shard < DUE_SHARDS; shard += 1) {
    let cursor: string | undefined;
    do {
      const page = await index.page(`S${shard}`, now, cursor, PAGE_SIZE);
      entries.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  return entries;
};

const countIn = (services: Services, store: Store, accountId: string): Promise<number | null> => {
  switch (store.kind) {
    case 'dynamodb-partition':
    case 'dynamodb-index':
      return services.dynamoPurger.count(store, accountId);
    case 's3-prefix':
      return services.s3Purger.count(store, accountId);
    case 'cognito-user-pool':
      return services.cognitoUsers.count(store, accountId);
    case 'processor':
      // A processor is asked to delete, not read: there is nothing to count.
      return Promise.resolve(null);
  }
};

const inPool = async <T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>) => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
};

export const dryRun = async (services: Services, now: Date, stderr: ErrorStream): Promise<DryRunReport> => {
  const at = now.toISOString();
  const stores = purgeOrder(services.map);
  // 1. The candidates, from the index the sweeper reads.
  const entries = await dueEntries(services, at);
  // 2. Each one's record, read consistently: the claim's condition decides on it, not on the index.
  const accounts = await services.accounts();
  const progress = createProgress(stderr, 'Counting items', entries.length);
  const work = inPool(entries, PARALLEL, async (entry) => {
    const verdict = classify(await accounts.getItem(entry.accountId), now);
    if (!verdict.claimable) {
      progress.tick();
      return { entry, state: verdict.state };
    }
    // 3. What its purge would delete, store by store.
    const counts = Object.fromEntries(
      await Promise.all(
        stores.map(async (store) => [store.name, await countIn(services, store, entry.accountId)] as const),
      ),
    );
    progress.tick();
    return { entry, candidate: candidate(entry.accountId, entry.purgeAfter, verdict.why, counts) };
  });
  let rows: Awaited<typeof work>;
  try {
    rows = await work;
  } finally {
    progress.done();
  }
  const claimable: Candidate[] = rows.flatMap((r) => (r.candidate ? [r.candidate] : []));
  const columns = stores.map((s) => ({ name: s.name, kind: s.kind }));
  return {
    dryRun: true,
    at,
    read: entries.length,
    stores: columns,
    claimable,
    notClaimable: rows.flatMap((r) =>
      r.state ? [{ accountId: r.entry.accountId, purgeAfter: r.entry.purgeAfter, state: r.state }] : [],
    ),
    totals: totalsOf(columns, claimable),
  };
};

/**
 * A real sweep: the very use case the scheduled sweeper runs (due notices,
 * then due purges), with no time budget to stop it. The notices go to the
 * notice queue the notice sender reads, so an account swept by hand gets
 * the same emails as one the schedule sweeps.
 */
export const sweepNow = async (
  services: Services,
  now: Date,
  env: NodeJS.ProcessEnv,
): Promise<SweepReport> => {
  const [queueUrl, noticeQueueUrl, table] = await Promise.all([
    services.target.resource('purgeQueueUrl'),
    services.target.resource('noticeQueueUrl'),
    services.target.resource('accountsTable'),
  ]);
  // Before claiming anything: a claim whose job cannot be sent waits out its lease before it is retried.
  await queueMustExist(services, queueUrl, 'purge queue');
  await queueMustExist(services, noticeQueueUrl, 'notice queue');
  const [state, outbox] = await Promise.all([services.purgeState(), services.outbox()]);
  const result = await sweepWithNotices(
    {
      notices: new DynamoNotices(services.doc, table, outbox),
      noticeQueue: new SqsJobQueue<NoticeJob>(services.sqs, noticeQueueUrl),
      due: state,
      claims: state,
      queue: new SqsJobQueue<PurgeJob>(services.sqs, queueUrl),
      now: () => now,
      remainingMs: () => Number.POSITIVE_INFINITY,
    },
    // The lease the scheduled sweeper grants (functions/workers/enforcement-deps.ts).
    { reserveMs: 0, leaseMs: parseDuration(env.LETHE_PURGE_LEASE || 'PT15M'), pageSize: PAGE_SIZE },
  );
  return { dryRun: false, at: now.toISOString(), ...result };
};
