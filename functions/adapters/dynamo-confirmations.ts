/**
 * Processor confirmations on the Accounts table (functions/core/confirmations.ts):
 * owed before the request goes out, settled once by the processor's signed
 * confirmation, counted past their deadline through the sparse index.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CONFIRM_SHARDS,
  type ConfirmationRecord,
  confirmationKey,
  confirmShardOf,
} from '../core/confirmations.ts';
import { accountsTable } from '../core/resources.ts';
import type { Confirmations, PendingConfirmation } from '../enforcement/ports.ts';
import { applied } from './conditional.ts';
import { countMatches } from './dynamo-stores.ts';

const INDEX = accountsTable.indexes.find((index) => index.partitionKey === 'confirmShard')?.name ?? '';

export class DynamoConfirmations implements Confirmations {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async expect(pending: PendingConfirmation): Promise<void> {
    // Not applied when a repeated request (a retried page) finds it owed or confirmed already.
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: confirmationKey(pending.subject, pending.processor) },
          ConditionExpression: 'attribute_not_exists(accountId)',
          UpdateExpression:
            'SET itemType = :type, subject = :subject, processor = :processor, requestedAt = :requested, ' +
            'deadline = :deadline, #state = :pending, confirmShard = :shard',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':type': 'confirmation',
            ':subject': pending.subject,
            ':processor': pending.processor,
            ':requested': pending.requestedAt,
            ':deadline': pending.deadline,
            ':pending': 'PENDING',
            ':shard': confirmShardOf(pending.subject, pending.processor),
          },
        }),
      ),
    );
  }

  /**
   * PENDING → CONFIRMED, once: a repeated confirmation answers the first one's
   * time. Undefined when nothing was owed (no such request was ever sent).
   */
  async confirm(subject: string, processor: string, at: string): Promise<ConfirmationRecord | undefined> {
    const key = confirmationKey(subject, processor);
    const settled = await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: key },
          ConditionExpression: '#state = :pending',
          UpdateExpression: 'SET #state = :confirmed, confirmedAt = :at REMOVE confirmShard',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':confirmed': 'CONFIRMED', ':at': at },
        }),
      ),
    );
    const record = await this.get(subject, processor);
    return settled || record?.state === 'CONFIRMED' ? record : undefined;
  }

  async get(subject: string, processor: string): Promise<ConfirmationRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { accountId: confirmationKey(subject, processor) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      subject: String(Item.subject),
      processor: String(Item.processor),
      requestedAt: String(Item.requestedAt),
      deadline: String(Item.deadline),
      state: Item.state === 'CONFIRMED' ? 'CONFIRMED' : 'PENDING',
      ...(typeof Item.confirmedAt === 'string' && { confirmedAt: Item.confirmedAt }),
    };
  }

  async countOverdue(now: string): Promise<number> {
    let count = 0;
    for (let shard = 0; shard < CONFIRM_SHARDS; shard += 1) {
      count += await countMatches(this.client, {
        TableName: this.tableName,
        IndexName: INDEX,
        KeyConditionExpression: 'confirmShard = :shard AND deadline < :now',
        ExpressionAttributeValues: { ':shard': `S${shard}`, ':now': now },
      });
    }
    return count;
  }
}
