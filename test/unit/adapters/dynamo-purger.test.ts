import {
  BatchWriteItemCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_READ_SIZE,
  DynamoPurger,
  MAX_ANNOUNCED_BYTES,
  RESCAN,
} from '../../../functions/adapters/dynamo-purger.ts';
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
    expect(query?.Limit).toBe(DEFAULT_READ_SIZE);
    const batches = ddb
      .commandCalls(BatchWriteItemCommand)
      .map((c) => c.args[0].input.RequestItems?.['demo-content']?.length);
    expect(batches).toEqual([25, 25, 10]);
  });

  it('announces each page of keys before deleting it, and cuts a page of long keys to fit the record', async () => {
    // Arrange: 1,000 keys of about 600 bytes each, more than MAX_ANNOUNCED_BYTES in one page
    const long = Array.from({ length: 1000 }, (_, i) => ({
      pk: { S: 'USER#a' },
      sk: { S: `N#${String(i).padStart(4, '0')}#${'x'.repeat(580)}` },
    }));
    ddb.on(QueryCommand).resolves({ Items: long, LastEvaluatedKey: long.at(-1) });
    const events: string[] = [];
    const announced: string[][] = [];
    ddb.on(BatchWriteItemCommand).callsFake(() => {
      events.push('delete');
      return {};
    });
    const purger = new DynamoPurger(new DynamoDBClient({}), { backoff, pageSize: 1000 });

    // Act
    const page = await purger.purgePage(store, 'a', undefined, async (keys) => {
      events.push('announce');
      announced.push([...keys]);
    });

    // Assert: announced first, exactly what is deleted, and small enough to save on the account's record
    expect(events[0]).toBe('announce');
    expect(announced).toHaveLength(1);
    const [keysOfPage = []] = announced;
    expect(keysOfPage.length).toBe(page.deleted);
    expect(keysOfPage.length).toBeLessThan(1000);
    expect(Buffer.byteLength(JSON.stringify(keysOfPage))).toBeLessThanOrEqual(MAX_ANNOUNCED_BYTES);
    expect(keysOfPage.map((k) => JSON.parse(k))).toEqual(long.slice(0, keysOfPage.length));
    expect(JSON.parse(page.cursor ?? '{}')).toEqual(long[keysOfPage.length - 1]);
  });

  it('deletes announced keys again when asked (a resumed run settling a killed one)', async () => {
    // Arrange
    ddb.on(BatchWriteItemCommand).resolves({});

    // Act
    await new DynamoPurger(new DynamoDBClient({}), { backoff }).deleteAnnounced(
      store,
      'a',
      keys(30).map((k) => JSON.stringify(k)),
    );

    // Assert
    const requests = ddb
      .commandCalls(BatchWriteItemCommand)
      .flatMap((c) => c.args[0].input.RequestItems?.['demo-content'] ?? []);
    expect(requests.map((r) => r.DeleteRequest?.Key)).toEqual(keys(30));
  });

  it('reads a partition five pages at a time, and deletes and checkpoints it a page at a time', async () => {
    // Arrange: one Query answers 2,500 keys and more beyond
    const more = { pk: { S: 'USER#a' }, sk: { S: 'N#2499' } };
    ddb.on(QueryCommand).resolves({ Items: keys(2500), LastEvaluatedKey: more });
    ddb.on(BatchWriteItemCommand).resolves({});
    const purger = new DynamoPurger(new DynamoDBClient({}), { backoff, pageSize: 1000, readSize: 5000 });

    // Act
    const first = await purger.purgePage(store, 'a', undefined);
    const second = await purger.purgePage(store, 'a', first.cursor);
    const third = await purger.purgePage(store, 'a', second.cursor);

    // Assert: one Query; each cursor is where a Query would start again
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect([first.deleted, second.deleted, third.deleted]).toEqual([1000, 1000, 500]);
    expect(JSON.parse(first.cursor ?? '')).toEqual({ pk: { S: 'USER#a' }, sk: { S: 'N#999' } });
    expect(JSON.parse(second.cursor ?? '')).toEqual({ pk: { S: 'USER#a' }, sk: { S: 'N#1999' } });
    expect(JSON.parse(third.cursor ?? '')).toEqual(more);
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(100);
  });

  it('reads from the cursor when it is not where the last read stopped (a new invocation)', async () => {
    ddb.on(QueryCommand).resolves({ Items: keys(10) });
    ddb.on(BatchWriteItemCommand).resolves({});
    const cursor = JSON.stringify({ pk: { S: 'USER#a' }, sk: { S: 'N#999' } });

    await new DynamoPurger(new DynamoDBClient({}), { backoff }).purgePage(store, 'a', cursor);

    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(JSON.parse(cursor));
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
