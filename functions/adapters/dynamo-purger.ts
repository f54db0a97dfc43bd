/**
 * Deletes an account's items from a DynamoDB store: Query for keys only, a
 * page at a time, BatchWriteItem in 25s, UnprocessedItems retried with
 * backoff and jitter. A store is done only when a Query from its start finds
 * nothing, so items written behind the cursor during the purge go too; that
 * Query follows the last page's deletes in the same call, so a store that
 * fits in one page costs one checkpoint, not two.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { type Backoff, defaultBackoff, jitteredDelay } from '../core/backoff.ts';
import type { DynamoStore } from '../core/data-map.ts';
import type { AnnounceKeys, PageResult } from '../enforcement/ports.ts';
import { batchGetItems, decodeCursor, encodeCursor, keyOf, storeQuery } from './dynamo-stores.ts';

/**
 * Keys deleted per page, the unit of a checkpoint: small enough that a page
 * takes well under the purge's reserve to delete, even against a slow table.
 */
export const DEFAULT_PAGE_SIZE = 1000;
/**
 * Keys asked for per Query of a partition (DynamoDB stops a page at 1 MB read
 * anyway, about 5,000 items of 200 bytes): one Query serves five pages, so
 * Queries are under 1% of the requests. An index is read a page at a time,
 * since only a partition's item keys are where a Query can start again.
 */
export const DEFAULT_READ_SIZE = 5000;
/**
 * The most a page's announced keys may take, as JSON: they are saved on the
 * account's record (400 KB at most) before the page is deleted, so a page of
 * long keys is cut shorter.
 */
export const MAX_ANNOUNCED_BYTES = 128 * 1024;
/** BatchWriteItem requests in flight while a page is deleted. */
export const DEFAULT_BATCH_CONCURRENCY = 4;
const BATCH = 25;
/** Marks a cursor that has reached the store's end and must prove it empty from the start. */
export const RESCAN = 'rescan';

type Key = Record<string, AttributeValue>;

/** How many of `keys` (at most `pageSize`, at least one) fit in MAX_ANNOUNCED_BYTES as JSON. */
const fitting = (keys: readonly Key[], pageSize: number): number => {
  let bytes = 0;
  let n = 0;
  for (const key of keys) {
    if (n >= pageSize) break;
    // A comma and quotes around each key's JSON string, with its own quotes escaped: a safe upper bound.
    bytes += Buffer.byteLength(JSON.stringify(JSON.stringify(key))) + 1;
    if (n > 0 && bytes > MAX_ANNOUNCED_BYTES) break;
    n += 1;
  }
  return n;
};

export class DynamoPurger {
  /** Keys the last Query read beyond its page: the next page's, if it is asked for from that cursor. */
  private ahead: { at: string; keys: Key[]; next: Key | undefined } | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: {
      pageSize?: number;
      readSize?: number;
      batchConcurrency?: number;
      backoff?: Backoff;
    } = {},
  ) {}

  /** The store's keys for the account, one page. */
  async readKeys(store: DynamoStore, accountId: string, cursor: string | undefined, limit?: number) {
    const query = storeQuery(store, accountId);
    const start = cursor === RESCAN ? undefined : decodeCursor<Record<string, AttributeValue>>(cursor);
    const page = await this.client.send(
      new QueryCommand({
        ...query,
        ExpressionAttributeNames: {
          ...query.ExpressionAttributeNames,
          '#pk': store.key.partitionKey,
          ...(store.key.sortKey && { '#sk': store.key.sortKey }),
        },
        ProjectionExpression: store.key.sortKey ? '#pk, #sk' : '#pk',
        Limit: limit ?? this.readSize(store),
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    return { keys: (page.Items ?? []).map((item) => keyOf(store, item)), next: page.LastEvaluatedKey };
  }

  async purgePage(
    store: DynamoStore,
    accountId: string,
    cursor: string | undefined,
    announce?: AnnounceKeys,
  ): Promise<PageResult> {
    const page = await this.deletePage(store, accountId, cursor, announce);
    if (page.cursor !== RESCAN) return page;
    // The end of the store: look again from the start now, rather than after another checkpoint.
    const again = await this.deletePage(store, accountId, RESCAN, announce);
    return { ...again, deleted: page.deleted + again.deleted };
  }

  async deleteAnnounced(store: DynamoStore, _accountId: string, keys: readonly string[]): Promise<void> {
    await this.deleteAll(
      store.table,
      keys.map((key) => JSON.parse(key) as Key),
    );
  }

  private readSize(store: DynamoStore): number {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    return store.kind === 'dynamodb-partition'
      ? Math.max(pageSize, this.options.readSize ?? DEFAULT_READ_SIZE)
      : pageSize;
  }

  /** One page of keys: what the last Query read beyond its page, or a new Query. */
  private async pageOfKeys(store: DynamoStore, accountId: string, cursor: string | undefined) {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    const at = (c: string | undefined) => `${store.table}\n${accountId}\n${c}`;
    const read = this.ahead?.at === at(cursor) ? this.ahead : await this.readKeys(store, accountId, cursor);
    this.ahead = undefined;
    const size = fitting(read.keys, pageSize);
    if (read.keys.length <= size) return read;
    // The rest is the next page's. Its cursor is this page's last key, where a Query would start again.
    const keys = read.keys.slice(0, size);
    const last = keys[keys.length - 1];
    this.ahead = { at: at(encodeCursor(last)), keys: read.keys.slice(size), next: read.next };
    return { keys, next: last };
  }

  private async deletePage(
    store: DynamoStore,
    accountId: string,
    cursor: string | undefined,
    announce: AnnounceKeys | undefined,
  ) {
    const fromStart = cursor === undefined || cursor === RESCAN;
    const read = await this.pageOfKeys(store, accountId, cursor);
    const { next } = read;
    // An index is eventually consistent: on a rescan it may still list items just deleted.
    // Only those still in the table are deleted and counted, so receipts count each item once.
    const keys =
      cursor === RESCAN && store.kind === 'dynamodb-index'
        ? await this.stillInTable(store, read.keys)
        : read.keys;
    if (announce && keys.length > 0) await announce(keys.map((key) => JSON.stringify(key)));
    await this.deleteAll(store.table, keys);
    if (next) return { deleted: keys.length, cursor: encodeCursor(next) };
    // At the end: done if this pass began at the start and found everything it deleted;
    // otherwise look again from the start.
    const done = fromStart && keys.length === 0;
    return done ? { deleted: 0 } : { deleted: keys.length, cursor: RESCAN };
  }

  /** Counts the account's items (for a dry run), reading keys only. */
  async count(store: DynamoStore, accountId: string): Promise<number> {
    let total = 0;
    let cursor: string | undefined;
    do {
      const { keys, next } = await this.readKeys(store, accountId, cursor);
      total += keys.length;
      cursor = encodeCursor(next);
    } while (cursor);
    return total;
  }

  private async stillInTable(store: DynamoStore, keys: Key[]) {
    const found = await batchGetItems(this.client, store.table, keys, this.options.backoff);
    return found.map((item) => keyOf(store, item));
  }

  /**
   * Deletes a page's keys in batches of 25, a few batches in flight: on
   * DynamoDB each batch is a round trip, so this cuts a page's time several
   * fold. Kept small, since an account's items share one partition key.
   */
  private async deleteAll(table: string, keys: readonly Key[]): Promise<void> {
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      batches.push(keys.slice(i, i + BATCH).map((Key) => ({ DeleteRequest: { Key } })));
    }
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        if (batch) await this.deleteBatch(table, batch);
      }
    };
    const lanes = Math.min(this.options.batchConcurrency ?? DEFAULT_BATCH_CONCURRENCY, batches.length);
    await Promise.all(Array.from({ length: lanes }, lane));
  }

  private async deleteBatch(table: string, requests: WriteRequest[]): Promise<void> {
    const backoff = this.options.backoff ?? defaultBackoff;
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= backoff.attempts) {
        throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
      }
      if (attempt > 0) await backoff.sleep(jitteredDelay(backoff, attempt));
      const { UnprocessedItems } = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
      );
      pending = UnprocessedItems?.[table] ?? [];
    }
  }
}
