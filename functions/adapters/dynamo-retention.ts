/**
 * Expired items of a DynamoDB store, found through the sparse, sharded
 * `lethe-retention` index the host app fills (docs/retention.md): each page
 * is one Query of one shard for entries whose `letheExpiresAt` has passed,
 * so a run reads what expires, never the whole table. Each item is deleted
 * only if its expiry is still the one read: an item the host app refreshed
 * in between stays.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  accountOfItem,
  parseItemTime,
  RETENTION_EXPIRY_ATTRIBUTE,
  RETENTION_INDEX,
  RETENTION_SHARD_ATTRIBUTE,
  RETENTION_SHARDS,
  type RetentionTask,
  shardKey,
} from '../core/retention.ts';
import type { Candidate, CandidatePage, ExpirySource } from '../retention/ports.ts';
import { decodeCursor, encodeCursor, keyOf } from './dynamo-stores.ts';

type DynamoTask = Extract<RetentionTask, { timeAttribute: string }>;
interface Ref {
  readonly key: Record<string, unknown>;
  readonly expiresAt: number;
}

/** Deletes at once: enough to keep DynamoDB busy, few enough not to throttle a small table. */
const DELETE_CONCURRENCY = 25;

export class DynamoRetention implements ExpirySource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly shards = RETENTION_SHARDS,
  ) {}

  parts(): number {
    return this.shards;
  }

  async page(
    task: RetentionTask,
    part: number,
    cutoffMs: number,
    cursor: string | undefined,
    limit: number,
  ): Promise<CandidatePage> {
    const { store, timeAttribute, windowMs } = task as DynamoTask;
    const start = decodeCursor(cursor);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: store.table,
        IndexName: RETENTION_INDEX,
        // Expiry is time + window, so "time before the cutoff" is "expiry before cutoff + window".
        KeyConditionExpression: '#shard = :shard AND #expires <= :bound',
        ExpressionAttributeNames: {
          '#shard': RETENTION_SHARD_ATTRIBUTE,
          '#expires': RETENTION_EXPIRY_ATTRIBUTE,
        },
        ExpressionAttributeValues: {
          ':shard': shardKey(task.rule.category, part),
          ':bound': Math.floor((cutoffMs + windowMs) / 1000),
        },
        // A page of a few thousand keys at most: DynamoDB Local costs time in proportion to what a Query spans.
        Limit: limit,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    const candidates: Candidate[] = Items.map((item) => {
      const expiresAt = Number(item[RETENTION_EXPIRY_ATTRIBUTE]);
      const accountId = accountOfItem(store, item);
      const ref: Ref = { key: keyOf(store, item), expiresAt };
      return {
        ...(accountId !== undefined && { accountId }),
        // Without the time attribute in the index's projection, the expiry says when the item was.
        timeMs: parseItemTime(item[timeAttribute]) ?? expiresAt * 1000 - windowMs,
        ref,
      };
    });
    const next = encodeCursor(LastEvaluatedKey);
    return { candidates, read: Items.length, ...(next && { cursor: next }) };
  }

  async remove(task: RetentionTask, candidates: readonly Candidate[]): Promise<number> {
    const { store } = task as DynamoTask;
    let deleted = 0;
    for (let i = 0; i < candidates.length; i += DELETE_CONCURRENCY) {
      const results = await Promise.all(
        candidates.slice(i, i + DELETE_CONCURRENCY).map(async (c) => {
          const ref = c.ref as Ref;
          try {
            await this.client.send(
              new DeleteCommand({
                TableName: store.table,
                Key: ref.key,
                ConditionExpression: '#expires = :seen',
                ExpressionAttributeNames: { '#expires': RETENTION_EXPIRY_ATTRIBUTE },
                ExpressionAttributeValues: { ':seen': ref.expiresAt },
              }),
            );
            return 1;
          } catch (error) {
            // Refreshed by the host app (or gone already): not ours to delete.
            if (error instanceof ConditionalCheckFailedException) return 0;
            throw error;
          }
        }),
      );
      deleted += results.reduce<number>((a, b) => a + b, 0);
    }
    return deleted;
  }
}
