import {
  BatchWriteItemCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, DynamoPurger, RESCAN } from '../../../functions/adapters/dynamo-purger.ts';
import type { DynamoPartitionStore } from '../../../functions/core/data-map.ts';

const ddb = mockClient(DynamoDBClient);
const store: DynamoPartitionStore = {
  kind: 'dynamodb-partition',
  name: 'content',
  table: 'demo-content',
  key: { partitionKey: 'pk', sortKey: 'sk' },
  keyTemplate: 'USER#{accountId}',
};
const keys = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ pk: { S: 'USER#a' }, sk: { S: `N#${i}` } }));
const sleeps: number[] = [];
const backoff = {
  baseMs: 50,
  capMs: 5000,
  attempts: 6,
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
};

describe('DynamoPurger', () => {
  beforeEach(() => {
    ddb.reset();
    sleeps.length = 0;
  });

  it('reads keys only, deletes them in batches of 25 and hands back a cursor', async () => {
    // Arrange
    ddb
      .on(QueryCommand)
      .resolves({ Items: keys(60), LastEvaluatedKey: { pk: { S: 'USER#a' }, sk: { S: 'N#59' } } });
    ddb.on(BatchWriteItemCommand).resolves({});

    // Act
    const page = await new DynamoPurger(new DynamoDBClient({}), { backoff }).purgePage(store, 'a', undefined);

    // Assert
    expect(page.deleted).toBe(60);
    expect(JSON.parse(page.cursor ?? '{}')).toEqual({ pk: { S: 'USER#a' }, sk: { S: 'N#59' } });
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.ProjectionExpression).toBe('#pk, #sk');
    expect(query?.ConsistentRead).toBe(true);
    expect(query?.Limit).toBe(DEFAULT_PAGE_SIZE);
    const batches = ddb
      .commandCalls(BatchWriteItemCommand)
      .map((c) => c.args[0].input.RequestItems?.['demo-content']?.length);
    expect(batches).toEqual([25, 25, 10]);
  });

  it('retries UnprocessedItems with growing, jittered delays until none remain', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: keys(25) })
      .resolves({ Items: [] });
    const left = (n: number) => ({
      UnprocessedItems: { 'demo-content': keys(n).map((Key) => ({ DeleteRequest: { Key } })) },
    });
    ddb.on(BatchWriteItemCommand).resolvesOnce(left(10)).resolvesOnce(left(3)).resolves({});

    await new DynamoPurger(new DynamoDBClient({}), { backoff }).purgePage(store, 'a', undefined);

    const sizes = ddb
      .commandCalls(BatchWriteItemCommand)
      .map((c) => c.args[0].input.RequestItems?.['demo-content']?.length);
    expect(sizes).toEqual([25, 10, 3]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('fails loudly, so the queue retries from the checkpoint, when items stay unprocessed', async () => {
    ddb.on(QueryCommand).resolves({ Items: keys(5) });
    ddb.on(BatchWriteItemCommand).resolves({
      UnprocessedItems: { 'demo-content': keys(5).map((Key) => ({ DeleteRequest: { Key } })) },
    });
    await expect(
      new DynamoPurger(new DynamoDBClient({}), { backoff }).purgePage(store, 'a', undefined),
    ).rejects.toThrow(/unprocessed after 6 attempts/);
  });

  it('lets a throttling error reach the caller after the SDK has retried', async () => {
    ddb.on(QueryCommand).resolves({ Items: keys(5) });
    ddb
      .on(BatchWriteItemCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(
      new DynamoPurger(new DynamoDBClient({}), { backoff }).purgePage(store, 'a', undefined),
    ).rejects.toThrow('slow down');
  });

  it('is done only when a pass from the start finds nothing, asked for in the same call as the last page', async () => {
    // Arrange
    ddb.on(BatchWriteItemCommand).resolves({});
    const purger = new DynamoPurger(new DynamoDBClient({}), { backoff });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: keys(3) })
      .resolvesOnce({ Items: [] });

    // Act
    const page = await purger.purgePage(store, 'a', JSON.stringify({ pk: { S: 'USER#a' } }));

    // Assert
    expect(page).toEqual({ deleted: 3 });
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toBeUndefined();
  });

  it('deletes what the pass from the start finds, and looks again in the next page', async () => {
    // Arrange: two items were written behind the cursor while the last page was deleted.
    ddb.on(BatchWriteItemCommand).resolves({});
    const purger = new DynamoPurger(new DynamoDBClient({}), { backoff });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: keys(3) })
      .resolvesOnce({ Items: keys(2) })
      .resolvesOnce({ Items: [] });

    // Act
    const last = await purger.purgePage(store, 'a', JSON.stringify({ pk: { S: 'USER#a' } }));
    const proof = await purger.purgePage(store, 'a', last.cursor);

    // Assert
    expect(last).toEqual({ deleted: 5, cursor: RESCAN });
    expect(proof).toEqual({ deleted: 0 });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(3);
  });
});
