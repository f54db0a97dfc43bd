/**
 * Reads an account's data from the data map's stores, for export: DynamoDB
 * partitions and index lookups paged with Limit (an index lookup reads keys,
 * then the full items from the table, so a KEYS_ONLY index exports whole
 * items too), S3 prefixes listed a page at a time and objects streamed.
 */

import type { Readable } from 'node:stream';
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Backoff } from '../core/backoff.ts';
import { type DynamoStore, fillTemplate, type S3PrefixStore } from '../core/data-map.ts';
import type { DataMapReader, StoredObject } from '../export/ports.ts';
import { batchGetItems, keyOf, storeQuery } from './dynamo-stores.ts';

export const EXPORT_PAGE_SIZE = 500;

/** DynamoDB values as plain JSON: sets as arrays, binary as base64. */
export const toJsonValue = (value: unknown): unknown => {
  if (value instanceof Set) return [...value].map(toJsonValue);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
};

const plain = (item: Record<string, AttributeValue>) =>
  toJsonValue(unmarshall(item, { wrapNumbers: false })) as Record<string, unknown>;

export class StoreReader implements DataMapReader {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly s3: S3Client,
    private readonly options: { pageSize?: number; backoff?: Backoff } = {},
  ) {}

  async *items(store: DynamoStore, accountId: string): AsyncIterable<readonly Record<string, unknown>[]> {
    const input = storeQuery(store, accountId);
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          ...input,
          Limit: this.options.pageSize ?? EXPORT_PAGE_SIZE,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      const found = page.Items ?? [];
      yield store.kind === 'dynamodb-index' ? await this.fullItems(store, found) : found.map(plain);
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async *objects(store: S3PrefixStore, accountId: string): AsyncIterable<readonly StoredObject[]> {
    const Prefix = fillTemplate(store.prefix, accountId);
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: store.bucket,
          Prefix,
          MaxKeys: 1000,
          ...(token && { ContinuationToken: token }),
        }),
      );
      yield (page.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0 }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async open(store: S3PrefixStore, key: string): Promise<Readable> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
    if (!Body) throw new Error(`S3 returned no body for an object in store ${store.name}`);
    return Body as Readable;
  }

  /** The table's items for keys an index listed (an index may project keys only). */
  private async fullItems(store: DynamoStore, listed: Record<string, AttributeValue>[]) {
    const keys = listed.map((item) => keyOf(store, item));
    return (await batchGetItems(this.dynamo, store.table, keys, this.options.backoff)).map(plain);
  }
}
