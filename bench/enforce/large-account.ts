/** bench:enforce (c): a large account purged by purgeAccount under a small per-invocation budget, continuing through a fake queue. */
import { performance } from 'node:perf_hooks';
import { BatchWriteItemCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DataMapPurger } from '../../functions/adapters/data-map-purger.ts';
import type { AuditLog } from '../../functions/adapters/dynamo-audit.ts';
import type { DynamoPurgeState } from '../../functions/adapters/dynamo-purge-state.ts';
import { DynamoPurger } from '../../functions/adapters/dynamo-purger.ts';
import { S3Purger } from '../../functions/adapters/s3-purger.ts';
import type { DataMap } from '../../functions/core/data-map.ts';
import { dueShardOf } from '../../functions/core/lifecycle.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { accountsTable } from '../../functions/core/resources.ts';
import { tombstoneKey } from '../../functions/core/subject.ts';
import { type PurgeOutcome, purgeAccount } from '../../functions/enforcement/purge.ts';
import {
  BUDGET_MS,
  type Counters,
  CountingQueue,
  contentItem,
  countPartition,
  int,
  LARGE_ITEMS,
  log,
  RESERVE_MS,
  row,
  seconds,
  seed,
} from './support.ts';

// ---------------------------------------------------------------------------------------------------------------
// (c) A large account under a small per-invocation budget

export const LARGE_ACCOUNT = 'large-0001';

export const benchMap: DataMap = {
  profile: { store: 'profiles', attributes: { email: 'email', locale: 'locale' } },
  stores: [
    {
      kind: 'dynamodb-partition',
      name: 'content',
      table: 'bench-content',
      key: { partitionKey: 'pk', sortKey: 'sk' },
      keyTemplate: 'USER#{accountId}',
    },
    {
      kind: 'dynamodb-partition',
      name: 'profiles',
      table: 'bench-profiles',
      key: { partitionKey: 'accountId' },
      keyTemplate: '{accountId}',
    },
  ],
};

export const benchLargeAccount = async (
  client: DynamoDBClient,
  counters: Counters,
  state: DynamoPurgeState,
  audit: AuditLog,
  s3: S3Client,
) => {
  log(`(c) seeding one account with ${int(LARGE_ITEMS)} items`);
  const seedMs = await seed(
    client,
    'bench-content',
    LARGE_ITEMS,
    contentItem(`USER#${LARGE_ACCOUNT}`),
    'large partition',
  );
  row(`(c) seed ${int(LARGE_ITEMS)} items in one partition`, seconds(seedMs));
  await client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        'bench-profiles': [
          {
            PutRequest: {
              Item: {
                accountId: { S: LARGE_ACCOUNT },
                email: { S: 'large@example.com' },
                locale: { S: 'en' },
              },
            },
          },
        ],
        [accountsTable.localName]: [
          {
            PutRequest: {
              Item: {
                accountId: { S: LARGE_ACCOUNT },
                status: { S: 'DEACTIVATED' },
                deactivatedAt: { S: '2024-01-01T00:00:00.000Z' },
                purgeAfter: { S: '2024-01-31T00:00:00.000Z' },
                dueShard: { S: dueShardOf(LARGE_ACCOUNT) },
              },
            },
          },
        ],
      },
    }),
  );
  const claimedAt = new Date().toISOString();
  const lease = new Date(Date.parse(claimedAt) + 15 * 60_000).toISOString();
  if (!(await state.claim(LARGE_ACCOUNT, claimedAt, lease, startPurge(claimedAt)))) {
    throw new Error('(c) the claim of the large account failed');
  }

  const queue = new CountingQueue();
  await queue.send([{ accountId: LARGE_ACCOUNT }]);
  const purger = new DataMapPurger(new DynamoPurger(client), new S3Purger(s3));
  const outcomes = new Map<PurgeOutcome, number>();
  let invocations = 0;
  let longestMs = 0;
  let pages = 0;
  let outcome: PurgeOutcome | undefined;
  log(`(c) purging under a ${BUDGET_MS} ms budget with a ${RESERVE_MS} ms reserve`);
  counters.reset();
  const started = performance.now();
  while (outcome !== 'purged') {
    const job = queue.jobs.shift();
    if (!job) throw new Error(`(c) the queue ran dry before the purge finished (last outcome ${outcome})`);
    const invocationStart = performance.now();
    const step = await purgeAccount(
      {
        map: benchMap,
        claims: state,
        purger,
        processors: {
          requestDeletion: async () => {
            throw new Error('no processors in the bench map');
          },
        },
        queue,
        now: () => new Date(),
        remainingMs: () => BUDGET_MS - (performance.now() - invocationStart),
      },
      job.accountId,
      { reserveMs: RESERVE_MS, leaseMs: 15 * 60_000, backupWindowMs: 35 * 24 * 3600 * 1000 },
    );
    const ms = performance.now() - invocationStart;
    longestMs = Math.max(longestMs, ms);
    invocations += 1;
    pages += step.pages;
    outcome = step.outcome;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (outcome !== 'continued' && outcome !== 'purged') throw new Error(`(c) unexpected outcome ${outcome}`);
    if (invocations % 10 === 0) log(`  ${invocations} invocations, ${pages} pages, ${seconds(ms)} last`);
  }
  const totalMs = performance.now() - started;
  const batchWrites = counters.of('BatchWriteItemCommand');
  const left = await countPartition(client, 'bench-content', `USER#${LARGE_ACCOUNT}`);
  const profile = await client.send(
    new GetItemCommand({ TableName: 'bench-profiles', Key: { accountId: { S: LARGE_ACCOUNT } } }),
  );
  const record = await client.send(
    new GetItemCommand({ TableName: accountsTable.localName, Key: { accountId: { S: LARGE_ACCOUNT } } }),
  );
  const tombstone = await client.send(
    new GetItemCommand({
      TableName: accountsTable.localName,
      Key: { accountId: { S: tombstoneKey(audit.subjectOf(LARGE_ACCOUNT)) } },
    }),
  );
  const receipt = await audit.receipt(LARGE_ACCOUNT);
  const receiptCount = receipt?.targets.find((t) => t.name === 'content')?.deleted ?? -1;
  const continuations = outcomes.get('continued') ?? 0;
  log(
    `  purged in ${seconds(totalMs)}: ${invocations} invocations, ${pages} pages, ${left} left, receipt ${int(receiptCount)}, longest invocation ${seconds(longestMs)}`,
  );

  const complete =
    left === 0 &&
    receiptCount === LARGE_ITEMS &&
    profile.Item === undefined &&
    record.Item === undefined &&
    tombstone.Item?.status?.S === 'PURGED';
  row(
    `(c) purge ${int(LARGE_ITEMS)} items, ${seconds(BUDGET_MS)} budget / ${seconds(RESERVE_MS)} reserve: all gone, receipt = items`,
    `${int(left)} left, receipt ${int(receiptCount)}, tombstone ${tombstone.Item ? 'yes' : 'no'}`,
    `0 left, receipt ${int(LARGE_ITEMS)}`,
    complete,
  );
  row('(c) continuations / invocations / pages', `${continuations} / ${invocations} / ${pages}`);
  row(
    '(c) longest invocation (must stay within the budget)',
    seconds(longestMs),
    `≤ ${seconds(BUDGET_MS)}`,
    longestMs <= BUDGET_MS,
  );
  row(
    '(c) total purge time (items/s)',
    `${seconds(totalMs)} (${int(LARGE_ITEMS / (totalMs / 1000))} items/s; ${int(batchWrites)} BatchWriteItem ÷ ${int(Math.ceil(LARGE_ITEMS / 25))})`,
  );
};
