/**
 * The outbox: a lifecycle event becomes one Put in the transaction of the
 * change it announces, so it exists exactly when the change committed. The
 * publisher reads it from the table's stream; this side only writes.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaultBackoff, jitteredDelay } from '../core/backoff.ts';
import { accountOf, type LifecycleEvent, type OutboxItem } from '../core/events.ts';
import type { OutboxCleaner } from '../events/ports.ts';

/** A day: as long as DynamoDB Streams keeps a record. */
export const OUTBOX_KEEP_MS = 24 * 3_600_000;

export const outboxKeyOf = (event: LifecycleEvent) => ({
  // One account's events share a partition; a receipt notice's failure has only the subject.
  pk: accountOf(event) ?? `subject#${'subject' in event.detail ? event.detail.subject : ''}`,
  sk: `${event.detail.time}#${event.detail.eventId}`,
});

export class Outbox {
  constructor(readonly tableName: string) {}

  /** A Put for a TransactWriteItems: the event stands or falls with its change. */
  put(event: LifecycleEvent) {
    const item: OutboxItem = {
      ...outboxKeyOf(event),
      detailType: event.detailType,
      detail: event.detail,
      expiresAt: Math.floor((Date.parse(event.detail.time) + OUTBOX_KEEP_MS) / 1000),
    };
    return { TableName: this.tableName, Item: item };
  }
}

/** Deletes published events: their account id is gone from the outbox as soon as they are on the bus (I6). */
export class DynamoOutboxCleaner implements OutboxCleaner {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async delete(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt > 0) await defaultBackoff.sleep(jitteredDelay(defaultBackoff, attempt));
        if (attempt >= defaultBackoff.attempts)
          throw new Error('Outbox deletes kept coming back unprocessed');
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }
}
