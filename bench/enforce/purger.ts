/** bench:enforce (b): one account's partition purged by DynamoPurger, against a DeleteItem loop and the 1,000-key read. */
import { performance } from 'node:perf_hooks';
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_READ_SIZE, DynamoPurger } from '../../functions/adapters/dynamo-purger.ts';
import type { DynamoPartitionStore } from '../../functions/core/data-map.ts';
import { createTableInput } from '../../local/resources.ts';
import {
  type Counters,
  contentItem,
  countPartition,
  int,
  type JvmWatch,
  KEY_PAGE_SIZE,
  log,
  PURGE_ITEMS,
  PURGE_TABLE,
  row,
  seconds,
  seed,
  TARGET_REQUEST_RATIO,
  TARGET_SPEEDUP,
  TARGET_WRITE_RATIO,
} from './support.ts';

// ---------------------------------------------------------------------------------------------------------------
// (b) One account's partition: DynamoPurger vs a DeleteItem loop

export const benchPurger = async (client: DynamoDBClient, counters: Counters, jvm: JvmWatch) => {
  await client.send(
    new CreateTableCommand(createTableInput(PURGE_TABLE, { partitionKey: 'pk', sortKey: 'sk' }, [])),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: PURGE_TABLE });
  log(`(b) seeding three partitions of ${int(PURGE_ITEMS)} items`);
  const seedMs =
    (await seed(client, PURGE_TABLE, PURGE_ITEMS, contentItem('USER#batch'), 'partition USER#batch')) +
    (await seed(client, PURGE_TABLE, PURGE_ITEMS, contentItem('USER#pages'), 'partition USER#pages')) +
    (await seed(client, PURGE_TABLE, PURGE_ITEMS, contentItem('USER#single'), 'partition USER#single'));
  row(`(b) seed 3 × ${int(PURGE_ITEMS)} items`, seconds(seedMs));

  const store: DynamoPartitionStore = {
    kind: 'dynamodb-partition',
    name: 'bench',
    table: PURGE_TABLE,
    key: { partitionKey: 'pk', sortKey: 'sk' },
    keyTemplate: 'USER#{accountId}',
  };

  log('(b) DynamoPurger: Query keys + BatchWriteItem');
  const purger = new DynamoPurger(client);
  counters.reset();
  let cpuStart = jvm.cpuMs();
  let started = performance.now();
  let deleted = 0;
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await purger.purgePage(store, 'batch', cursor);
    deleted += page.deleted;
    cursor = page.cursor;
    pages += 1;
  } while (cursor !== undefined);
  const batchMs = performance.now() - started;
  const batchCpuMs = jvm.cpuMs() - cpuStart;
  const batchWrites = counters.of('BatchWriteItemCommand');
  const batchQueries = counters.of('QueryCommand');
  const batchLeft = await countPartition(client, PURGE_TABLE, 'USER#batch');
  log(
    `  ${int(deleted)} deleted in ${seconds(batchMs)}, ${pages} pages, ${batchWrites} BatchWriteItem, ${batchQueries} Query, ${batchLeft} left`,
  );

  // The same purger reading 1,000 keys a Query, as it used to, run second (on a warmer, smaller table).
  log(`(b) DynamoPurger reading ${int(KEY_PAGE_SIZE)} keys a Query`);
  const smallPages = new DynamoPurger(client, { readSize: KEY_PAGE_SIZE });
  counters.reset();
  started = performance.now();
  let smallDeleted = 0;
  cursor = undefined;
  do {
    const page = await smallPages.purgePage(store, 'pages', cursor);
    smallDeleted += page.deleted;
    cursor = page.cursor;
  } while (cursor !== undefined);
  const smallMs = performance.now() - started;
  const smallRequests = counters.of('BatchWriteItemCommand') + counters.of('QueryCommand');
  const smallLeft = await countPartition(client, PURGE_TABLE, 'USER#pages');
  log(`  ${int(smallDeleted)} deleted in ${seconds(smallMs)}, ${smallRequests} requests, ${smallLeft} left`);

  log('(b) DeleteItem loop: paged Query (Limit 1000) + one DeleteItem at a time');
  counters.reset();
  cpuStart = jvm.cpuMs();
  started = performance.now();
  let singleDeleted = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: PURGE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'USER#single' } },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        Limit: KEY_PAGE_SIZE,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      await client.send(
        new DeleteItemCommand({
          TableName: PURGE_TABLE,
          Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
        }),
      );
      singleDeleted += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  const singleMs = performance.now() - started;
  const singleCpuMs = jvm.cpuMs() - cpuStart;
  const singleLeft = await countPartition(client, PURGE_TABLE, 'USER#single');
  log(`  ${int(singleDeleted)} deleted in ${seconds(singleMs)}, ${singleLeft} left`);

  const expected = Math.ceil(PURGE_ITEMS / 25);
  const writeRatio = batchWrites / expected;
  const batchRate = deleted / (batchMs / 1000);
  const singleRate = singleDeleted / (singleMs / 1000);
  const speedup = batchRate / singleRate;
  row(
    `(b) purge ${int(PURGE_ITEMS)} items: BatchWriteItem requests ÷ ⌈items/25⌉`,
    `${writeRatio.toFixed(3)} (${int(batchWrites)} ÷ ${int(expected)}; ${batchLeft} left)`,
    `≤ ${TARGET_WRITE_RATIO}`,
    writeRatio <= TARGET_WRITE_RATIO && deleted === PURGE_ITEMS && batchLeft === 0,
  );
  row(
    '(b) DynamoPurger vs DeleteItem loop (both 1 request in flight)',
    `${speedup.toFixed(1)}× (${int(batchRate)} vs ${int(singleRate)} items/s)`,
    `≥ ${TARGET_SPEEDUP}×`,
    speedup >= TARGET_SPEEDUP && singleLeft === 0,
  );
  const requestRatio = (batchWrites + batchQueries) / expected;
  row(
    `(b) purge ${int(PURGE_ITEMS)} items: all requests (Query + BatchWriteItem) ÷ ⌈items/25⌉`,
    `${requestRatio.toFixed(4)} (${int(batchQueries)} Query + ${int(batchWrites)} BatchWriteItem ÷ ${int(expected)})`,
    `≤ ${TARGET_REQUEST_RATIO}`,
    requestRatio <= TARGET_REQUEST_RATIO && deleted === PURGE_ITEMS && batchLeft === 0,
  );
  row(
    `(b) DynamoPurger reading ${int(DEFAULT_READ_SIZE)} vs ${int(KEY_PAGE_SIZE)} keys a Query: items/s (requests ÷ ⌈items/25⌉)`,
    `${int(batchRate)} vs ${int(smallDeleted / (smallMs / 1000))} (${requestRatio.toFixed(4)} vs ${(smallRequests / expected).toFixed(4)}; ${smallLeft} left)`,
  );
  row('(b) wall time: DynamoPurger / DeleteItem loop', `${seconds(batchMs)} / ${seconds(singleMs)}`);
  row(
    '(b) DynamoDB Local CPU per item deleted: DynamoPurger / DeleteItem loop',
    `${((batchCpuMs / Math.max(1, deleted)) * 1000).toFixed(0)} µs / ${((singleCpuMs / Math.max(1, singleDeleted)) * 1000).toFixed(0)} µs`,
  );
};
