/** bench:enforce (a): the sweep over the sparse sharded `due` index next to a Scan-based sweep doing the same claims. */
import { performance } from 'node:perf_hooks';
import {
  type AttributeValue,
  CreateTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog } from '../../functions/adapters/dynamo-audit.ts';
import { Outbox } from '../../functions/adapters/dynamo-outbox.ts';
import { DynamoPurgeState } from '../../functions/adapters/dynamo-purge-state.ts';
import { DUE_SHARDS, dueShardOf } from '../../functions/core/lifecycle.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { accountsTable, outboxTable } from '../../functions/core/resources.ts';
import type { PurgeQueue } from '../../functions/enforcement/ports.ts';
import { sweep } from '../../functions/enforcement/sweep.ts';
import { createTableInput } from '../../local/resources.ts';
import {
  type Counters,
  CountingQueue,
  DUE_EVERY,
  int,
  log,
  row,
  SCAN_PAGE_SIZE,
  SWEEP_PAGE_SIZE,
  SWEEP_RECORDS,
  seconds,
  seed,
  TARGET_SWEEP_RATIO,
} from './support.ts';

// ---------------------------------------------------------------------------------------------------------------
// (a) The sweep: `due` index vs Scan

export const accountIdOf = (i: number) => `acct-${String(i).padStart(7, '0')}`;
export const DAY_MS = 24 * 3600 * 1000;
export const deactivatedLongAgo = Date.now() - 40 * DAY_MS;

/** A deactivated account past its 30-day grace period: the only kind that carries `dueShard`. */
export const dueRecord = (accountId: string, i: number): Record<string, AttributeValue> => ({
  accountId: { S: accountId },
  status: { S: 'DEACTIVATED' },
  deactivatedAt: { S: new Date(deactivatedLongAgo + i).toISOString() },
  purgeAfter: { S: new Date(deactivatedLongAgo + i + 30 * DAY_MS).toISOString() },
  dueShard: { S: dueShardOf(accountId) },
  notices: { L: [] },
});

export const benchSweep = async (
  client: DynamoDBClient,
  counters: Counters,
  state: DynamoPurgeState,
  audit: AuditLog,
  doc: DynamoDBDocumentClient,
) => {
  const due = Math.floor((SWEEP_RECORDS - 1) / DUE_EVERY) + 1;
  log(`(a) seeding ${int(SWEEP_RECORDS)} lifecycle records, ${int(due)} of them due`);
  const seedMs = await seed(
    client,
    accountsTable.localName,
    SWEEP_RECORDS,
    (i) =>
      i % DUE_EVERY === 0
        ? dueRecord(accountIdOf(i), i)
        : { accountId: { S: accountIdOf(i) }, status: { S: 'ACTIVE' } },
    'lifecycle records',
  );
  row(`(a) seed ${int(SWEEP_RECORDS)} lifecycle records`, `${seconds(seedMs)}`);

  // Warm DynamoDB Local's JIT on a throwaway table first: otherwise whichever sweep runs first pays for it.
  await warmUp(client, doc, audit);

  // Lethe's sweep. A 1 ms lease lets the Scan sweep below re-claim the very same accounts through the same
  // conditional write (a PURGING account whose lease ran out), so both do identical claim work.
  log('(a) sweep through the due index');
  const queue = new CountingQueue();
  counters.reset();
  let started = performance.now();
  const result = await indexSweep(state, queue);
  const indexMs = performance.now() - started;
  const indexRead = counters.scanned;
  const indexQueries = counters.of('QueryCommand');
  const indexReadMs = counters.msIn('QueryCommand');
  const indexTransactions = counters.of('TransactWriteItemsCommand');
  log(
    `  read ${int(result.read)} (ScannedCount ${int(indexRead)}, ${indexQueries} Queries), claimed ${int(result.claimed)} (${int(indexTransactions)} TransactWriteItems), enqueued ${int(queue.sent)} in ${seconds(indexMs)}`,
  );

  log('(a) sweep by Scan');
  const scanQueue = new CountingQueue();
  counters.reset();
  started = performance.now();
  const scanClaimed = await scanSweep(doc, state, accountsTable.localName, scanQueue);
  const scanMs = performance.now() - started;
  const scanRead = counters.scanned;
  const scans = counters.of('ScanCommand');
  const scanReadMs = counters.msIn('ScanCommand');
  const scanTransactions = counters.of('TransactWriteItemsCommand');
  log(
    `  scanned ${int(scanRead)} (${scans} Scans), claimed ${int(scanClaimed)} (${int(scanTransactions)} TransactWriteItems), enqueued ${int(scanQueue.sent)} in ${seconds(scanMs)}`,
  );

  const ratio = indexRead / due;
  row(
    `(a) sweep via due index: items read ÷ due (${int(due)} due of ${int(SWEEP_RECORDS)})`,
    `${ratio.toFixed(3)} (${int(indexRead)} read in ${indexQueries} Queries, ${seconds(indexReadMs)})`,
    `≤ ${TARGET_SWEEP_RATIO}`,
    ratio <= TARGET_SWEEP_RATIO && result.claimed === due && result.complete,
  );
  row(
    '(a) sweep via Scan: ScannedCount ÷ due',
    `${(scanRead / due).toFixed(1)} (${int(scanRead)} read in ${scans} Scans, ${seconds(scanReadMs)})`,
  );
  row(
    `(a) wall time incl. claims (${int(result.claimed)} / ${int(scanClaimed)}): due index / Scan`,
    `${seconds(indexMs)} / ${seconds(scanMs)}`,
  );
};

/** The real sweep use case over every shard, with no time limit. */
export const indexSweep = (state: DynamoPurgeState, queue: PurgeQueue) =>
  sweep(
    { due: state, claims: state, queue, now: () => new Date(), remainingMs: () => Number.POSITIVE_INFINITY },
    { reserveMs: 0, leaseMs: 1, pageSize: SWEEP_PAGE_SIZE, shards: DUE_SHARDS },
  );

/**
 * A Scan-based sweep: the whole table a page at a time, filtered to what the claim would accept (the same
 * condition `DynamoPurgeState.claim` writes with), then the same claims and enqueue as the real sweep.
 */
export const scanSweep = async (
  doc: DynamoDBDocumentClient,
  state: DynamoPurgeState,
  table: string,
  queue: PurgeQueue,
  pageSize = SCAN_PAGE_SIZE,
): Promise<number> => {
  const now = new Date().toISOString();
  const leaseUntil = new Date(Date.parse(now) + 1).toISOString();
  let claimed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression:
          '(#status = :deactivated AND purgeAfter <= :now AND attribute_not_exists(legalHold)) OR ' +
          '(#status = :purging AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deactivated': 'DEACTIVATED', ':purging': 'PURGING', ':now': now },
        ProjectionExpression: 'accountId',
        Limit: pageSize,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    const won = await Promise.all(
      (page.Items ?? []).map(async (item) => {
        const accountId = String(item.accountId);
        return (await state.claim(accountId, now, leaseUntil, startPurge(now))) ? accountId : undefined;
      }),
    );
    const jobs = won.filter((id): id is string => id !== undefined).map((accountId) => ({ accountId }));
    await queue.send(jobs);
    claimed += jobs.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return claimed;
};

export const WARM_UP_TABLE = 'bench-warm-up-accounts';
export const WARM_UP_RECORDS = 4_000;

/** Both sweeps, twice, on a small throwaway accounts table, unmeasured. */
export const warmUp = async (client: DynamoDBClient, doc: DynamoDBDocumentClient, audit: AuditLog) => {
  log(`(a) warming up on ${int(WARM_UP_RECORDS)} due records in a throwaway table`);
  await client.send(
    new CreateTableCommand(createTableInput(WARM_UP_TABLE, accountsTable.key, accountsTable.indexes)),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: WARM_UP_TABLE });
  await seed(client, WARM_UP_TABLE, WARM_UP_RECORDS, (i) => dueRecord(`warm-${i}`, i), 'warm-up records');
  const state = new DynamoPurgeState(doc, WARM_UP_TABLE, audit, new Outbox(outboxTable.localName));
  for (let round = 0; round < 2; round += 1) {
    await indexSweep(state, new CountingQueue());
    await new Promise((resolve) => setTimeout(resolve, 5));
    await scanSweep(doc, state, WARM_UP_TABLE, new CountingQueue(), SWEEP_PAGE_SIZE);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
