/**
 * Export records on DynamoDB. "One pending export per account" is a
 * `#pending` pointer item written in the same transaction as the export,
 * only if absent: two racing requests cannot both create one, and the loser
 * reads the winner's. Finishing an export removes the pointer in the same
 * transaction as the status change. Every update is conditioned on the item
 * existing, so a late worker never re-creates what a purge deleted (I6).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Backoff, defaultBackoff, jitteredDelay } from '../core/backoff.ts';
import { type LifecycleEvent, lifecycleEvent } from '../core/events.ts';
import { type ExportFailure, type ExportRecord, exportIdFloor, PENDING_POINTER } from '../core/export.ts';
import type { AccountStatuses, ExportRecords } from '../export/ports.ts';
import { applied } from './conditional.ts';
import type { Outbox } from './dynamo-outbox.ts';

const toRecord = (item: Record<string, unknown>): ExportRecord => {
  const { ttl: _ttl, ...record } = item;
  return record as unknown as ExportRecord;
};

export class DynamoExportRecords implements ExportRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly outbox: Outbox,
    private readonly backoff: Backoff = defaultBackoff,
  ) {}

  async get(accountId: string, exportId: string): Promise<ExportRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { accountId, exportId }, ConsistentRead: true }),
    );
    return Item && Item.exportId !== PENDING_POINTER ? toRecord(Item) : undefined;
  }

  async pending(accountId: string): Promise<ExportRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { accountId, exportId: PENDING_POINTER },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.pendingId === 'string' ? this.get(accountId, Item.pendingId) : undefined;
  }

  async createdSince(accountId: string, since: Date): Promise<string[]> {
    const created: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'accountId = :a AND exportId >= :floor',
          ExpressionAttributeValues: {
            ':a': accountId,
            ':floor': exportIdFloor(since),
            ':since': since.toISOString(),
          },
          FilterExpression: 'createdAt >= :since',
          ProjectionExpression: 'createdAt',
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) created.push(String(item.createdAt));
      start = page.LastEvaluatedKey;
    } while (start);
    return created.sort();
  }

  async createPending(record: ExportRecord, ttl: number) {
    const created = await applied(() =>
      this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  accountId: record.accountId,
                  exportId: PENDING_POINTER,
                  pendingId: record.exportId,
                  ttl,
                },
                ConditionExpression: 'attribute_not_exists(accountId)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...record, ttl },
                ConditionExpression: 'attribute_not_exists(accountId)',
              },
            },
          ],
        }),
      ),
    );
    if (created) return { record, created: true };
    // Another request holds the pending slot: answer its export.
    const existing = await this.pending(record.accountId);
    if (!existing) throw new Error('The pending export slot was taken, but holds no export');
    return { record: existing, created: false };
  }

  markReady(accountId: string, exportId: string, at: string, objectKey: string, bytes: number) {
    return this.finish(
      accountId,
      exportId,
      'SET #status = :ready, completedAt = :at, objectKey = :key, bytes = :bytes',
      {
        ':ready': 'READY',
        ':at': at,
        ':key': objectKey,
        ':bytes': bytes,
      },
      lifecycleEvent('ExportReady', at, 'system', { accountId, exportId, bytes }),
    );
  }

  markFailed(accountId: string, exportId: string, at: string, failure: ExportFailure) {
    return this.finish(
      accountId,
      exportId,
      'SET #status = :failed, completedAt = :at, failure = :failure',
      {
        ':failed': 'FAILED',
        ':at': at,
        ':failure': failure,
      },
      lifecycleEvent('ExportFailed', at, 'system', { accountId, exportId, failure }),
    );
  }

  /**
   * PENDING → final, its lifecycle event, and the pointer goes if it still
   * points here, in one transaction. Only a failed condition means another
   * delivery finished it (or a purge deleted it): false, and no event. A
   * transaction cancelled for anything else (throttled, in conflict with
   * another) wrote nothing: it is tried again, and then thrown, so the job is
   * retried instead of leaving a finished archive PENDING.
   */
  private async finish(
    accountId: string,
    exportId: string,
    update: string,
    values: Record<string, unknown>,
    event: LifecycleEvent,
  ) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { accountId, exportId },
                  UpdateExpression: update,
                  ConditionExpression: 'attribute_exists(accountId) AND #status = :pending',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ...values, ':pending': 'PENDING' },
                },
              },
              {
                Delete: {
                  TableName: this.tableName,
                  Key: { accountId, exportId: PENDING_POINTER },
                  ConditionExpression: 'attribute_not_exists(accountId) OR pendingId = :id',
                  ExpressionAttributeValues: { ':id': exportId },
                },
              },
              { Put: this.outbox.put(event) },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        if (error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
        if (attempt >= this.backoff.attempts) throw error;
        await this.backoff.sleep(jitteredDelay(this.backoff, attempt));
      }
    }
  }
}

/** The lifecycle status Lethe keeps for an account, read straight from the Accounts table. */
export class DynamoAccountStatuses implements AccountStatuses {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async status(accountId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { accountId },
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'status' },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.status === 'string' ? Item.status : undefined;
  }
}
