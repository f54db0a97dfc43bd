/**
 * DynamoDB helpers shared by the adapters that walk the data map's stores
 * (the purger, the export reader) and page through Lethe's own indexes: one
 * Query per store kind, one way to cut an item down to its key, one batch
 * get with backoff, one cursor format.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  QueryCommand as DocQueryCommand,
  type QueryCommandInput as DocQueryInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type Backoff, defaultBackoff, jitteredDelay } from '../core/backoff.ts';
import { type DynamoStore, fillTemplate } from '../core/data-map.ts';

type Item = Record<string, AttributeValue>;

/**
 * The Query that finds an account's items in a store: its partition (read
 * consistently), or its index on the attribute holding the id (indexes are
 * eventually consistent). The key attribute is `#k`; callers add the rest.
 */
export const storeQuery = (store: DynamoStore, accountId: string): QueryCommandInput =>
  store.kind === 'dynamodb-partition'
    ? {
        TableName: store.table,
        KeyConditionExpression: '#k = :id',
        ExpressionAttributeNames: { '#k': store.key.partitionKey },
        ExpressionAttributeValues: { ':id': { S: fillTemplate(store.keyTemplate, accountId) } },
        ConsistentRead: true,
      }
    : {
        TableName: store.table,
        IndexName: store.index,
        KeyConditionExpression: '#k = :id',
        ExpressionAttributeNames: { '#k': store.attribute },
        ExpressionAttributeValues: { ':id': { S: accountId } },
      };

/** An item cut down to the table's key (marshalled, or plain from the document client). */
export const keyOf = <V>(store: DynamoStore, item: Record<string, V>): Record<string, V> => {
  const key: Record<string, V> = { [store.key.partitionKey]: item[store.key.partitionKey] as V };
  if (store.key.sortKey) key[store.key.sortKey] = item[store.key.sortKey] as V;
  return key;
};

/**
 * Keys a hundred a request; what comes back unprocessed is asked for again
 * with backoff and jitter, and a batch that never clears fails the call.
 */
const batchGet = async <K, V>(
  keys: readonly K[],
  backoff: Backoff,
  get: (keys: K[]) => Promise<{ items: readonly V[]; unprocessed: readonly K[] }>,
): Promise<V[]> => {
  const items: V[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: K[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= backoff.attempts) throw new Error('BatchGetItem kept keys unprocessed');
      if (attempt > 0) await backoff.sleep(jitteredDelay(backoff, attempt));
      const answer = await get(pending);
      items.push(...answer.items);
      pending = [...answer.unprocessed];
    }
  }
  return items;
};

/**
 * The table's items for these keys, read consistently, 100 a request;
 * unprocessed keys are asked for again with backoff and jitter. Keys with no
 * item are simply absent from the answer.
 */
export const batchGetItems = (
  client: DynamoDBClient,
  table: string,
  keys: readonly Item[],
  backoff: Backoff = defaultBackoff,
): Promise<Item[]> =>
  batchGet(keys, backoff, async (pending) => {
    const { Responses, UnprocessedKeys } = await client.send(
      new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    return { items: Responses?.[table] ?? [], unprocessed: UnprocessedKeys?.[table]?.Keys ?? [] };
  });

/** batchGetItems through the document client (plain values), with an optional projection. */
export const batchGetDocs = (
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: { readonly projection?: string; readonly backoff?: Backoff } = {},
): Promise<Record<string, unknown>[]> =>
  batchGet(keys, options.backoff ?? defaultBackoff, async (pending) => {
    const { Responses, UnprocessedKeys } = await client.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: {
            Keys: pending,
            ConsistentRead: true,
            ...(options.projection && { ProjectionExpression: options.projection }),
          },
        },
      }),
    );
    return { items: Responses?.[table] ?? [], unprocessed: UnprocessedKeys?.[table]?.Keys ?? [] };
  });

/**
 * Where a paged Query goes on: its LastEvaluatedKey as text, and back. Plain
 * JSON, the form purge checkpoints have always saved, so a checkpoint written
 * before an upgrade still reads.
 */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key === undefined ? undefined : JSON.stringify(key);

export const decodeCursor = <Key = Record<string, unknown>>(cursor: string | undefined): Key | undefined =>
  cursor === undefined ? undefined : (JSON.parse(cursor) as Key);

/** How many items a Query matches, over every page (Select COUNT: keys are read, no items returned). */
export const countMatches = async (
  client: DynamoDBDocumentClient,
  input: Omit<DocQueryInput, 'Select' | 'ExclusiveStartKey'>,
): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const result = await client.send(
      new DocQueryCommand({ ...input, Select: 'COUNT', ...(start && { ExclusiveStartKey: start }) }),
    );
    count += result.Count ?? 0;
    start = result.LastEvaluatedKey;
  } while (start);
  return count;
};
