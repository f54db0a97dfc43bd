/**
 * Processor confirmations on the Accounts table (functions/core/confirmations.ts):
 * owed before the request goes out, settled once by the processor's signed
 * confirmation, counted past their deadline through the sparse index.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Backoff, defaultBackoff } from '../core/backoff.ts';
import {
  CONFIRM_SHARDS,
  type ConfirmationRecord,
  confirmationKey,
  confirmShardOf,
} from '../core/confirmations.ts';
import { accountsTable } from '../core/resources.ts';
import type { Confirmations, PendingConfirmation, StatusPolls } from '../enforcement/ports.ts';
import { applied } from './conditional.ts';
import { batchGetDocs, countMatches } from './dynamo-stores.ts';

const INDEX = accountsTable.indexes.find((index) => index.partitionKey === 'confirmShard')?.name ?? '';

const toRecord = (item: Record<string, unknown>): ConfirmationRecord => ({
  subject: String(item.subject),
  processor: String(item.processor),
  requestedAt: String(item.requestedAt),
  deadline: String(item.deadline),
  state: item.state === 'CONFIRMED' ? 'CONFIRMED' : 'PENDING',
  ...(typeof item.confirmedAt === 'string' && { confirmedAt: item.confirmedAt }),
  ...(typeof item.polls === 'number' && { polls: item.polls }),
  ...(typeof item.nextPollAt === 'string' && { nextPollAt: item.nextPollAt }),
});

export class DynamoConfirmations implements Confirmations, StatusPolls {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly backoff: Backoff = defaultBackoff,
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
    return Item ? toRecord(Item) : undefined;
  }

  /**
   * Reads the sparse index's keys (they name the processor: `confirm#<subject>#<processor>`),
   * keeps those of the processors asked for, and reads their records a hundred at a time.
   */
  async pending(processors: ReadonlySet<string>): Promise<ConfirmationRecord[]> {
    const keys: string[] = [];
    for (let shard = 0; shard < CONFIRM_SHARDS; shard += 1) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: INDEX,
            KeyConditionExpression: 'confirmShard = :shard',
            ExpressionAttributeValues: { ':shard': `S${shard}` },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          const key = String(item.accountId);
          if (processors.has(key.slice(key.lastIndexOf('#') + 1))) keys.push(key);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    const items = await batchGetDocs(
      this.client,
      this.tableName,
      keys.map((accountId) => ({ accountId })),
      { backoff: this.backoff },
    );
    const records = items.filter((item) => item.state === 'PENDING').map(toRecord);
    return records;
  }

  async recordPoll(subject: string, processor: string, polls: number, nextPollAt: string): Promise<void> {
    // Not applied when the processor confirmed meanwhile: nothing more to poll.
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: confirmationKey(subject, processor) },
          ConditionExpression: '#state = :pending',
          UpdateExpression: 'SET polls = :polls, nextPollAt = :next',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':polls': polls, ':next': nextPollAt },
        }),
      ),
    );
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
